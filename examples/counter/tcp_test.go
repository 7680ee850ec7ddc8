package counter

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/durable"
)

// frameSize is the size of a command and of its acknowledgement on the
// wire: key, client, sequence number and amount, little endian.
const frameSize = 24

func putIncr(b []byte, c Incr) {
	binary.LittleEndian.PutUint32(b, c.Key)
	binary.LittleEndian.PutUint32(b[4:], c.Client)
	binary.LittleEndian.PutUint64(b[8:], c.Seq)
	binary.LittleEndian.PutUint64(b[16:], uint64(c.N))
}

func getIncr(b []byte) Incr {
	return Incr{
		Key:    binary.LittleEndian.Uint32(b),
		Client: binary.LittleEndian.Uint32(b[4:]),
		Seq:    binary.LittleEndian.Uint64(b[8:]),
		N:      int64(binary.LittleEndian.Uint64(b[16:])),
	}
}

// server runs a counter node over TCP: each connection is one client,
// whose commands enter the node's input; the node acknowledges every
// command, once the tick that applied it is synced, on the connection of
// the command's client.
type server struct {
	ln     net.Listener
	node   *CounterCounter
	dir    *durable.Dir
	mu     sync.Mutex
	conns  map[uint32]net.Conn
	totals map[uint32]int64 // written by the node's goroutine, read after stop
	cancel context.CancelFunc
	done   chan error
	wg     sync.WaitGroup
}

func startServer(tb testing.TB, path string, opts durable.Options) *server {
	tb.Helper()
	dir, err := durable.OpenDir(path)
	require.NoError(tb, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(tb, err)
	s := &server{ln: ln, dir: dir, conns: map[uint32]net.Conn{}, totals: map[uint32]int64{}, done: make(chan error, 1)}
	in := hydro.NewInput[Incr]("cmds")
	var ack [frameSize]byte
	acks := hydro.NewOutputFunc("acks", func(c Incr) {
		s.mu.Lock()
		conn := s.conns[c.Client]
		s.mu.Unlock()
		putIncr(ack[:], c)
		conn.Write(ack[:]) // a client that left does not read it
	})
	totals := hydro.NewOutputFunc("totals", func(t Total) { s.totals[t.Key] = t.N })
	s.node = NewCounterCounter(in, acks, totals)
	require.NoError(tb, s.node.Recover(dir, opts))
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() { s.done <- s.node.Run(ctx) }()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.serve(conn, in)
			}()
		}
	}()
	return s
}

// serve reads one client's commands; the first names the client.
func (s *server) serve(conn net.Conn, in hydro.Input[Incr]) {
	defer conn.Close()
	var buf [frameSize]byte
	registered := false
	for {
		if _, err := io.ReadFull(conn, buf[:]); err != nil {
			return
		}
		c := getIncr(buf[:])
		if !registered {
			s.mu.Lock()
			s.conns[c.Client] = conn
			s.mu.Unlock()
			registered = true
		}
		in.Push(c)
	}
}

// stop stops the node and the listener and closes the data directory.
func (s *server) stop(tb testing.TB) {
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	s.cancel()
	if err := <-s.done; !errors.Is(err, context.Canceled) {
		tb.Errorf("node: %v", err)
	}
	require.NoError(tb, s.node.Err())
	s.node.Close()
	s.dir.Close()
}

// drive runs clients closed-loop clients, each sending its commands one at
// a time and waiting for the acknowledgement; together they send n. Client
// i increments key i. It returns the commands acknowledged per key.
func drive(tb testing.TB, addr string, clients, n int) map[uint32]int64 {
	tb.Helper()
	acked := make([]int64, clients)
	errs := make(chan error, clients)
	var wg sync.WaitGroup
	for i := range clients {
		count := n / clients
		if i < n%clients {
			count++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- client(addr, uint32(i), count, &acked[i])
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(tb, err)
	}
	out := map[uint32]int64{}
	for i, a := range acked {
		if a > 0 {
			out[uint32(i)] = a
		}
	}
	return out
}

func client(addr string, id uint32, count int, acked *int64) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	var buf [frameSize]byte
	for seq := range uint64(count) {
		putIncr(buf[:], Incr{Key: id, Client: id, Seq: seq, N: 1})
		if _, err := conn.Write(buf[:]); err != nil {
			return err
		}
		if _, err := io.ReadFull(conn, buf[:]); err != nil {
			return fmt.Errorf("client %d, command %d: %w", id, seq, err)
		}
		if got := getIncr(buf[:]); got.Client != id || got.Seq != seq {
			return fmt.Errorf("client %d: acknowledgement %+v for command %d", id, got, seq)
		}
		*acked++
	}
	return nil
}

func TestCounterOverTCPRecoversEveryAcknowledgedCommand(t *testing.T) {
	// 16 clients send 800 commands over TCP to a counter that syncs; the
	// node restarts on its data directory twice, with snapshots along the
	// way, and recovers a total per key equal to the commands acknowledged.
	path := t.TempDir()
	want := map[uint32]int64{}
	for round := range 3 {
		s := startServer(t, path, durable.Options{SnapshotBytes: 2048})
		for k, n := range drive(t, s.ln.Addr().String(), 16, 800) {
			want[k] += n
		}
		s.stop(t)
		st := s.node.Log().Stats()
		require.Equal(t, want, s.totals, "round %d", round)
		require.Greater(t, st.Syncs, 0)
		require.GreaterOrEqual(t, st.Records, st.Syncs, "a commit logs at least one change")
		if round == 2 {
			require.Positive(t, st.Snapshots)
		}
	}
}

// BenchmarkDurableCounter drives the counter over TCP with 1, 16 and 128
// closed-loop clients, with the log synced at every commit and not. Group
// commit makes one sync serve every command of a tick, so with many
// clients syncing costs little throughput.
func BenchmarkDurableCounter(b *testing.B) {
	for _, sync := range []bool{true, false} {
		for _, clients := range []int{1, 16, 128} {
			b.Run(fmt.Sprintf("fsync=%v/clients=%d", sync, clients), func(b *testing.B) {
				s := startServer(b, b.TempDir(), durable.Options{NoSync: !sync})
				b.ResetTimer()
				start := time.Now()
				drive(b, s.ln.Addr().String(), clients, max(b.N, clients))
				elapsed := time.Since(start).Seconds()
				b.StopTimer()
				s.stop(b)
				st := s.node.Log().Stats()
				b.ReportMetric(float64(max(b.N, clients))/elapsed, "cmds/s")
				b.ReportMetric(float64(st.Syncs)/elapsed, "fsyncs/s")
				b.ReportMetric(float64(st.Records)/float64(max(st.Commits, 1)), "changes/commit")
			})
		}
	}
}
