package paxos

import (
	"fmt"
	"testing"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/durable"
)

// BenchmarkAcceptorPhase2 measures the generated acceptor on its hot
// path: each op is one tick with one P2a of a batch of 64 commands, which
// it accepts, logs durably (to memory: the sync is not measured) and
// answers; the checkpoint trails by half the window, so the ring wraps.
// Each op also encodes its P2a frame.
func BenchmarkAcceptorPhase2(b *testing.B) {
	const window, batch = 1024, 64
	votes := hydro.NewOutput[P2b]("votes")
	nd := NewPaxosAcceptor(hydro.Input[Request]{}, hydro.Output[Reply]{}, hydro.Output[Executed]{}, votes, window, 0)
	if err := nd.Recover(durable.NewMemFS(), durable.Options{}); err != nil {
		b.Fatal(err)
	}
	sent := 0
	nd.OnSend(func(hydro.Dest, uint16, []byte) { sent++ })
	cmds := make([]Command, batch)
	for i := range cmds {
		cmds[i] = Command{ID: uint64(i), Inc: 1, Seq: uint64(i) + 1, Op: OpPut, Key: fmt.Sprint("key", i%64), Value: "0123456789abcdef"}
	}
	ballot := Ballot{Num: 1}
	frame := func(slot uint64) []byte {
		cp := uint64(0)
		if slot > window/2 {
			cp = slot - window/2
		}
		return appendHydroP2a(nil, &P2a{Slot: slot, Ballot: ballot, Cmds: cmds, Checkpoint: cp})
	}
	// The P2a's tag: the one network input whose frames decode as a P2a
	// (a P1a's would leave bytes after its item).
	tag, found := uint16(0), false
	for t := range uint16(1 << 10) {
		if nd.Deliver(t, frame(0)) == nil {
			tag, found = t, true
			break
		}
	}
	if !found {
		b.Fatal("no network input of the acceptor takes a P2a")
	}
	nd.Tick()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := nd.Deliver(tag, frame(uint64(i+1))); err != nil {
			b.Fatal(err)
		}
		nd.Tick()
		if i%1024 == 0 {
			votes.Take()
		}
	}
	b.StopTimer()
	if sent < b.N {
		b.Fatalf("%d answers to %d P2as", sent, b.N)
	}
}
