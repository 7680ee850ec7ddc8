package hydro

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPairedSendReachesTheOwnMember: a network operator marked paired
// (between a cluster and the cluster a decoupling paired with it) sends
// to the member with the sender's own number, whatever its route says, as
// the generated code does (Dest.Member is the sender's member).
func TestPairedSendReachesTheOwnMember(t *testing.T) {
	f := NewFlow("Paired")
	servers, proxies := f.Cluster("server"), f.Cluster("proxy")
	DemuxBy(Iter(servers, []int{7}), proxies, func(int) MemberID { return 0 })
	require.NoError(t, f.Err())
	var op int
	for _, n := range f.g.Nodes {
		if n.Spec.Network {
			op = n.ID
		}
	}
	f.g.Location("proxy").Paired = "server"
	for _, paired := range []bool{false, true} {
		f.g.Nodes[op].Paired = paired
		it, err := InterpretAt(f, NodeConfig{Location: "server", Member: 2, Members: map[string]int{"server": 3, "proxy": 3}})
		require.NoError(t, err)
		it.Tick()
		sent := it.TakeSent()
		require.Len(t, sent, 1)
		want := 0
		if paired {
			want = 2
		}
		assert.Equal(t, want, sent[0].Member, "paired: %v", paired)
	}
}
