package paxos

import (
	"fmt"
	"testing"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/durable"
)

// BenchmarkReplicaExecute measures the generated replica on its hot path,
// as the benchmark driver loads it: one client incarnation with up to
// outstanding commands unanswered. Each op is one tick with one commit of
// a batch of 64 puts and gets over 64 keys, which the replica executes,
// makes its effects durable (to memory: the sync is not measured; the
// bytes logged, snapshots included, are reported as logB/op) and answers
// in the next tick; the client's low-water mark trails the newest command by
// outstanding. Each op also encodes its commit frame.
func BenchmarkReplicaExecute(b *testing.B) {
	const window, batch, outstanding = 1024, 64, 512
	executed := hydro.NewOutput[Executed]("executed")
	nd := NewPaxosReplica(hydro.Input[Request]{}, hydro.Output[Reply]{}, executed, hydro.Output[P2b]{}, window)
	logged := &logBytes{}
	if err := nd.Recover(durable.NewMemFS(), durable.Options{Observer: logged}); err != nil {
		b.Fatal(err)
	}
	nd.SetMember(0)
	if err := nd.SetSizes(map[string]int{"proposer": 2, "acceptor": 3, "replica": 1}); err != nil {
		b.Fatal(err)
	}
	sent := 0
	nd.OnSend(func(hydro.Dest, uint16, []byte) { sent++ })
	ballot := Ballot{Num: 1}
	frame := func(slot uint64) []byte {
		cmds := make([]Command, batch)
		for i := range cmds {
			seq := slot*batch + uint64(i) + 1
			op := OpPut
			if i%2 == 1 {
				op = OpGet
			}
			cmds[i] = Command{ID: seq, Inc: 1, Seq: seq, Low: max(seq, outstanding) - outstanding + 1,
				Op: op, Key: fmt.Sprint("key", i%64), Value: "0123456789abcdef"}
		}
		return appendHydroCommit(nil, &Commit{Slot: slot, Ballot: ballot, Cmds: cmds})
	}
	// The commit's tag: the first network input whose frames decode as a
	// Commit.
	tag, found := uint16(0), false
	for t := range uint16(1 << 10) {
		if nd.Deliver(t, frame(0)) == nil {
			tag, found = t, true
			break
		}
	}
	if !found {
		b.Fatal("no network input of the replica takes a Commit")
	}
	nd.Tick()
	frames := make([][]byte, 4096)
	for i := range frames {
		frames[i] = frame(uint64(i + 1))
	}
	b.ReportAllocs()
	logged.n = 0
	b.ResetTimer()
	for i := range b.N {
		f := frames[i%len(frames)]
		if i >= len(frames) {
			f = frame(uint64(i + 1))
		}
		if err := nd.Deliver(tag, f); err != nil {
			b.Fatal(err)
		}
		nd.Tick()
		if i%1024 == 0 {
			executed.Take()
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(logged.n)/float64(b.N), "logB/op")
	nd.Tick()
	if want := (b.N + 1) * batch; sent < want {
		b.Fatalf("%d answers to %d commits of %d commands, want %d", sent, b.N+1, batch, want)
	}
}

// logBytes counts the bytes a log commits and snapshots.
type logBytes struct{ n int }

func (l *logBytes) Committed(c durable.CommitInfo)     { l.n += c.Bytes }
func (l *logBytes) Snapshotted(s durable.SnapshotInfo) { l.n += s.Bytes }
