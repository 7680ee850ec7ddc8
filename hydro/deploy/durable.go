package deploy

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/durable"
)

// openDurable recovers the durable state of a node that keeps some, from
// the data directory that -data names, which it locks for the node's life.
// It returns the function that closes the log and releases the directory;
// nodes without durable state need no directory and get a no-op.
func (env *Env) openDurable(node hydro.NetNode) (closeFn func(), err error) {
	d, ok := node.(hydro.DurableNode)
	if !ok {
		return func() {}, nil
	}
	path, from := env.opts.data, env.opts.dataFrom
	if path == "" {
		return nil, usagef("location %s of flow %s keeps durable state: give it a data directory with -data DIR (%s)", env.Role, env.Flow, envName("data"))
	}
	dir, err := durable.OpenDir(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", from, err)
	}
	env.durable = newDurableMetrics()
	if env.opts.noSync {
		env.Logger.Warn("durable state is written without syncs (-fsync=false): a power cut can lose what was acknowledged")
	}
	if err := d.Recover(dir, durable.Options{Observer: env.durable, NoSync: env.opts.noSync}); err != nil {
		dir.Close()
		return nil, fmt.Errorf("recover the durable state: %w", err)
	}
	st := d.Log().Stats()
	env.durable.recovered.Set(float64(st.Recovered))
	env.Logger.Info("durable state recovered", "dir", path, "records", st.Recovered, "torn_bytes", st.TornBytes)
	return func() {
		d.Close()
		dir.Close()
	}, nil
}

// durableErr returns the error that stopped a node with durable state: a
// commit that failed, after which the node must not go on.
func durableErr(node hydro.NetNode) error {
	if d, ok := node.(hydro.DurableNode); ok && d.Err() != nil {
		return fmt.Errorf("node stopped, nothing of its last tick left: %w", d.Err())
	}
	return nil
}

// durableMetrics turn what a node's log reports to its observer into
// Prometheus metrics. The log calls it on the node's goroutine; scrapes
// read it from others, which the Prometheus types allow.
type durableMetrics struct {
	sync      prometheus.Histogram // duration of one commit's sync
	snapshot  prometheus.Histogram // duration of one snapshot
	syncs     prometheus.Counter
	records   prometheus.Counter
	bytes     prometheus.Counter
	recovered prometheus.Gauge
}

func newDurableMetrics() *durableMetrics {
	return &durableMetrics{
		sync: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "hydro_durable_sync_duration_seconds",
			Help:    "Duration of the sync that commits one tick's changes to durable state (one per tick that changed it).",
			Buckets: prometheus.ExponentialBuckets(1e-5, 2.5, 14),
		}),
		snapshot: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "hydro_durable_snapshot_duration_seconds",
			Help:    "Duration of writing and syncing one snapshot of durable state; its count is the snapshots taken.",
			Buckets: prometheus.ExponentialBuckets(1e-4, 4, 10),
		}),
		syncs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hydro_durable_syncs_total",
			Help: "Syncs of the durable-state log: commits of ticks that changed durable state.",
		}),
		records: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hydro_durable_records_total",
			Help: "Changes to durable state logged.",
		}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hydro_durable_bytes_total",
			Help: "Bytes written to the durable-state log, framing included, snapshots excluded.",
		}),
		recovered: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "hydro_durable_recovered_records",
			Help: "Records of durable state replayed when the node started.",
		}),
	}
}

func (m *durableMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.sync, m.snapshot, m.syncs, m.records, m.bytes, m.recovered}
}

// Committed implements durable.Observer.
func (m *durableMetrics) Committed(c durable.CommitInfo) {
	if c.Synced {
		m.syncs.Inc()
		m.sync.Observe(c.Sync.Seconds())
	}
	m.records.Add(float64(c.Records))
	m.bytes.Add(float64(c.Bytes))
}

// Snapshotted implements durable.Observer.
func (m *durableMetrics) Snapshotted(s durable.SnapshotInfo) {
	m.snapshot.Observe(s.Duration.Seconds())
}
