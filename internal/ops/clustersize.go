package ops

// ClusterSize emits, in the node's first tick, the number of members of the
// cluster that the node's Target names, as the deployment (the simulator's
// member counts, the launcher's -n, a node's -peers) sets it. Quorums derive
// from it rather than from constants that can disagree with the deployment.
var ClusterSize = register(&Spec{
	Name: "cluster_size", API: "hydro.ClusterSize", Source: true, Monotone: true, Complete: true, Target: true,
	New: func(n *Instance, _ *Spec) Interp {
		return &clusterSizeInterp{cluster: n.Target, wrap: n.Payload.(func(int) any)}
	},
})

type clusterSizeInterp struct {
	stateless
	cluster string
	wrap    func(int) any
	done    bool
}

func (*clusterSizeInterp) Push(*Env, int, any, Emit) {}

// Flush emits the size once; a cluster the deployment does not size (which
// InterpretAt rejects) emits nothing, so that no quorum of zero is reached.
func (c *clusterSizeInterp) Flush(env *Env, emit Emit) {
	if c.done {
		return
	}
	c.done = true
	if n := env.Sizes[c.cluster]; n > 0 {
		emit(c.wrap(n))
	}
}
