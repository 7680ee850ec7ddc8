package deploy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hydrogo/hydro/netio"
)

// metrics are a node's Prometheus metrics, in a registry of its own.
type metrics struct {
	reg   *prometheus.Registry
	tick  prometheus.Histogram // duration of one Tick
	items prometheus.Histogram // frames drained per round
}

// newMetrics registers the metrics of env's node, whose endpoint is ep.
func newMetrics(env *Env, ep netio.Endpoint) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		tick: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "hydro_tick_duration_seconds",
			Help:    "Duration of one tick of the node.",
			Buckets: prometheus.ExponentialBuckets(1e-6, 4, 12),
		}),
		items: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "hydro_tick_frames",
			Help:    "Frames received and handed to the node per tick.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 10),
		}),
	}
	m.reg.MustRegister(m.tick, m.items,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&statsCollector{env: env, ep: ep})
	if env.durable != nil {
		m.reg.MustRegister(env.durable.collectors()...)
	}
	return m
}

// statsCollector reports the counters of the node's endpoint and runtime
// at every scrape.
type statsCollector struct {
	env *Env
	ep  netio.Endpoint
}

var (
	descFrames      = prometheus.NewDesc("hydro_frames_total", "Frames by direction: sent (flushed to a socket), received (handed to the node's inbox), dropped (queued and then discarded: queue overflow, broken connection).", []string{"direction"}, nil)
	descBytes       = prometheus.NewDesc("hydro_bytes_total", "Payload bytes by direction.", []string{"direction"}, nil)
	descPeerFrames  = prometheus.NewDesc("hydro_peer_frames_total", "Frames by peer (a node's address, or a client identity for all its connections) and direction.", []string{"peer", "direction"}, nil)
	descPeerBytes   = prometheus.NewDesc("hydro_peer_bytes_total", "Payload bytes by peer and direction.", []string{"peer", "direction"}, nil)
	descConns       = prometheus.NewDesc("hydro_connections_total", "Connection events: accepted (admitted inbound), rejected (failed TLS, hello or admission), refused (at the connection cap), timeout (idle or stalled mid-frame), dial_error, reconnect.", []string{"event"}, nil)
	descOversize    = prometheus.NewDesc("hydro_frames_oversize_total", "Frames over the size limit, each of which closed its connection.", nil, nil)
	descClientFrame = prometheus.NewDesc("hydro_client_frames_rejected_total", "Frames from clients for a network operator rather than a port.", nil, nil)
	descBadFrames   = prometheus.NewDesc("hydro_frames_rejected_total", "Frames that did not decode, named no port of the node, or that the node rejected.", nil, nil)
	descInvalid     = prometheus.NewDesc("hydro_input_items_rejected_total", "Items from outside (files, standard input, clients) that did not decode or failed validation.", nil, nil)
	descInputDrop   = prometheus.NewDesc("hydro_input_items_dropped_total", "Items from clients dropped because their input held its budget of queued items.", nil, nil)
	descInputDepth  = prometheus.NewDesc("hydro_input_queue_depth", "Items waiting in an input for the next tick.", []string{"input"}, nil)
	descSubs        = prometheus.NewDesc("hydro_subscribers", "Clients subscribed to an output.", []string{"output"}, nil)
	descSubsRefused = prometheus.NewDesc("hydro_subscriptions_refused_total", "Subscriptions refused at the subscriber cap.", nil, nil)
	descSubsEnded   = prometheus.NewDesc("hydro_subscriptions_closed_total", "Subscriptions ended because the client's connection closed.", nil, nil)
	descUnknownDest = prometheus.NewDesc("hydro_items_unroutable_total", "Items sent to a location that -peers does not list.", nil, nil)
	descBudgetStops = prometheus.NewDesc("hydro_tick_budget_stops_total", "Drains of the inbox that stopped at -max-tick-items frames, leaving the rest waiting (back-pressure on their connections).", nil, nil)
	descSuppressed  = prometheus.NewDesc("hydro_log_suppressed_total", "Warnings not logged by the rate limit, by the logger that held them back.", []string{"logger"}, nil)
)

func (c *statsCollector) Describe(ch chan<- *prometheus.Desc) {
	prometheus.DescribeByCollect(c, ch)
}

func (c *statsCollector) Collect(ch chan<- prometheus.Metric) {
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	if sr, ok := c.ep.(netio.StatsReporter); ok {
		s := sr.Stats()
		counter(descFrames, s.FramesSent, "sent")
		counter(descFrames, s.FramesReceived, "received")
		counter(descFrames, s.Drops, "dropped")
		counter(descBytes, s.BytesSent, "sent")
		counter(descBytes, s.BytesReceived, "received")
		counter(descConns, s.Accepted, "accepted")
		counter(descConns, s.Rejected, "rejected")
		counter(descConns, s.Refused, "refused")
		counter(descConns, s.Timeouts, "timeout")
		counter(descConns, s.DialErrors, "dial_error")
		counter(descConns, s.Reconnects, "reconnect")
		counter(descOversize, s.RejectedFrames)
		counter(descSuppressed, s.LogSuppressed, "netio")
	}
	if pr, ok := c.ep.(netio.PeerStatsReporter); ok {
		for peer, s := range pr.PeerStats() {
			p := string(peer)
			counter(descPeerFrames, s.FramesSent, p, "sent")
			counter(descPeerFrames, s.FramesReceived, p, "received")
			counter(descPeerFrames, s.Drops, p, "dropped")
			counter(descPeerBytes, s.BytesSent, p, "sent")
			counter(descPeerBytes, s.BytesReceived, p, "received")
		}
	}
	n := &c.env.counts
	counter(descClientFrame, n.clientFrames.Load())
	counter(descBadFrames, n.badFrames.Load())
	counter(descInvalid, n.invalidItems.Load())
	counter(descInputDrop, n.inputDropped.Load())
	counter(descSubsRefused, n.subsRefused.Load())
	counter(descSubsEnded, n.subsDropped.Load())
	counter(descUnknownDest, n.unknownDestSent.Load())
	counter(descBudgetStops, n.budgetStops.Load())
	counter(descSuppressed, c.env.warn.Suppressed(), "node")
	for _, p := range c.env.ports {
		switch p := p.(type) {
		case interface{ depth() (string, int) }:
			name, d := p.depth()
			ch <- prometheus.MustNewConstMetric(descInputDepth, prometheus.GaugeValue, float64(d), name)
		case interface{ subscribers() (string, int) }:
			name, s := p.subscribers()
			ch <- prometheus.MustNewConstMetric(descSubs, prometheus.GaugeValue, float64(s), name)
		}
	}
}

// serveHTTP serves handler on addr until ctx is done, logging the address
// it bound (addr may pick a free port) as what.
func (env *Env) serveHTTP(ctx context.Context, what, addr string, handler http.Handler) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			env.Logger.Error(what+" stopped", "err", err)
		}
	}()
	env.Logger.Info(what+" listening", "addr", ln.Addr().String())
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		<-done
	}, nil
}

// metricsHandler serves the node's metrics.
func (m *metrics) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	return mux
}

// debugHandler serves net/http/pprof.
func debugHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
