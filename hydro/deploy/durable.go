package deploy

import (
	"fmt"

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
	if err := d.Recover(dir, durable.Options{}); err != nil {
		dir.Close()
		return nil, fmt.Errorf("recover the durable state: %w", err)
	}
	st := d.Log().Stats()
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
