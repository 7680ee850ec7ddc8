package paxos

import (
	"fmt"
	"testing"
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/durable"
	"github.com/hydrogo/hydro/internal/cputime"
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
	nd := NewPaxosReplica(hydro.Input[Request]{}, hydro.Output[Reply]{}, executed, hydro.Output[P2b]{}, window, 0)
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

// BenchmarkReplicaTick measures the generated replica per command, through
// whole ticks: each op is one tick that delivers one commit of batch
// commands from sessions client incarnations over 64 keys (half puts, half
// gets, each client with up to 4 commands outstanding), executes it, makes
// its effects durable and answers the commit of the tick before. The log is
// in memory (mem), in a directory without syncs (nosync) or with one sync
// a tick (sync). The commits' frames are encoded with the timer stopped;
// ns/cmd is the time per command, cpu-ns/cmd the process's CPU time per
// command (garbage collection included, waiting for the disk not): on a
// shared machine, the steadier measure.
func BenchmarkReplicaTick(b *testing.B) {
	for _, batch := range []int{1, 100} {
		for _, log := range []string{"mem", "nosync", "sync"} {
			b.Run(fmt.Sprintf("batch=%d/log=%s", batch, log), func(b *testing.B) {
				benchReplicaTick(b, batch, 256, log)
			})
		}
	}
}

func benchReplicaTick(b *testing.B, batch, sessions int, log string) {
	const keys, outstanding = 64, 4
	executed := hydro.NewOutput[Executed]("executed")
	nd := NewPaxosReplica(hydro.Input[Request]{}, hydro.Output[Reply]{}, executed, hydro.Output[P2b]{}, 0, 0)
	var fs durable.FS = durable.NewMemFS()
	if log != "mem" {
		dir, err := durable.OpenDir(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		defer dir.Close()
		fs = dir
	}
	if err := nd.Recover(fs, durable.Options{NoSync: log == "nosync"}); err != nil {
		b.Fatal(err)
	}
	defer nd.Close()
	nd.SetMember(0)
	if err := nd.SetSizes(map[string]int{"proposer": 2, "acceptor": 3, "replica": 3}); err != nil {
		b.Fatal(err)
	}
	sent := 0
	nd.OnSend(func(hydro.Dest, uint16, []byte) { sent++ })
	ballot := Ballot{Num: 1}
	seqs := make([]uint64, sessions)
	keyNames := make([]string, keys)
	for i := range keyNames {
		keyNames[i] = fmt.Sprint("key", i)
	}
	n := 0
	frame := func(slot uint64) []byte {
		cmds := make([]Command, batch)
		for i := range cmds {
			c := n % sessions
			n++
			seqs[c]++
			seq := seqs[c]
			op := OpPut
			if n%2 == 0 {
				op = OpGet
			}
			cmds[i] = Command{ID: uint64(n), Inc: uint64(c + 1), Seq: seq, Low: max(seq, outstanding) - outstanding + 1,
				Op: op, Key: keyNames[n%keys], Value: "0123456789abcdef"}
		}
		return appendHydroCommit(nil, &Commit{Slot: slot, Ballot: ballot, Cmds: cmds})
	}
	tag := commitTag(b, nd, frame(0))
	nd.Tick()
	frames := make([][]byte, 1024)
	slot := uint64(1)
	var cpu, start time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%len(frames) == 0 {
			b.StopTimer()
			if i > 0 {
				cpu += cputime.Process() - start
			}
			for j := range frames {
				frames[j] = frame(slot)
				slot++
			}
			executed.Take()
			b.StartTimer()
			start = cputime.Process()
		}
		if err := nd.Deliver(tag, frames[i%len(frames)]); err != nil {
			b.Fatal(err)
		}
		nd.Tick()
	}
	b.StopTimer()
	cpu += cputime.Process() - start
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/cmd")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*batch), "cpu-ns/cmd")
	nd.Tick()
	if err := nd.Err(); err != nil {
		b.Fatal(err)
	}
	if want := (b.N + 1) * batch / 3; sent < want {
		b.Fatalf("%d answers to %d commits of %d commands, want at least %d", sent, b.N+1, batch, want)
	}
}
