package sim_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/sim"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The nodes below implement hydro.NetNode by hand, as hydrogen's generated
// nodes do: items cross the network as frames, a tag and a payload in a small
// binary encoding.

// base is what every hand-written node shares.
type base struct {
	now    time.Time
	member hydro.MemberID
	send   func(to hydro.Dest, tag uint16, payload []byte)
	buf    []byte // reused for every frame sent: the simulator must copy
}

func (b *base) SetMember(m hydro.MemberID) { b.member = m }

func (b *base) SetNow(t time.Time) {
	if t.After(b.now) {
		b.now = t
	}
}

func (b *base) OnSend(fn func(hydro.Dest, uint16, []byte)) { b.send = fn }

// uvarints decodes exactly n uvarints from payload.
func uvarints(payload []byte, n int) ([]uint64, error) {
	out := make([]uint64, 0, n)
	for range n {
		v, k := binary.Uvarint(payload)
		if k <= 0 {
			return nil, errors.New("bad uvarint")
		}
		out = append(out, v)
		payload = payload[k:]
	}
	if len(payload) > 0 {
		return nil, fmt.Errorf("%d trailing bytes", len(payload))
	}
	return out, nil
}

const (
	tagAsk    = 1 // client → server: x
	tagAnswer = 2 // server → client: x, 2x
)

// echoDisk is what an echo client makes durable: the numbers to ask and the
// answers received so far.
type echoDisk struct {
	ask     []uint64
	answers map[uint64]uint64
}

// echoClient asks the server to double numbers and resends the unanswered
// ones every resend period until all are answered.
type echoClient struct {
	base
	disk   *echoDisk
	inbox  [][2]uint64
	next   time.Time // when the unanswered numbers are (re)sent
	resend time.Duration
}

func (c *echoClient) Deliver(tag uint16, payload []byte) error {
	if tag != tagAnswer {
		return fmt.Errorf("echo client: unknown tag %d", tag)
	}
	v, err := uvarints(payload, 2)
	if err != nil {
		return fmt.Errorf("echo client: answer: %w", err)
	}
	c.inbox = append(c.inbox, [2]uint64{v[0], v[1]})
	return nil
}

func (c *echoClient) Pending() bool { return len(c.inbox) > 0 }

func (c *echoClient) done() bool { return len(c.disk.answers) == len(c.disk.ask) }

func (c *echoClient) NextTimer() (time.Time, bool) { return c.next, !c.done() }

func (c *echoClient) Tick() {
	for _, a := range c.inbox {
		c.disk.answers[a[0]] = a[1]
	}
	c.inbox = c.inbox[:0]
	if c.done() || c.now.Before(c.next) {
		return
	}
	for _, x := range c.disk.ask {
		if _, ok := c.disk.answers[x]; !ok {
			c.buf = binary.AppendUvarint(c.buf[:0], x)
			c.send(hydro.Dest{Location: "server"}, tagAsk, c.buf)
		}
	}
	c.next = c.now.Add(c.resend)
}

// echoServer doubles every number it is asked; it keeps nothing.
type echoServer struct {
	base
	inbox []uint64
}

func (s *echoServer) Deliver(tag uint16, payload []byte) error {
	if tag != tagAsk {
		return fmt.Errorf("echo server: unknown tag %d", tag)
	}
	v, err := uvarints(payload, 1)
	if err != nil {
		return fmt.Errorf("echo server: ask: %w", err)
	}
	s.inbox = append(s.inbox, v[0])
	return nil
}

func (s *echoServer) Pending() bool                { return len(s.inbox) > 0 }
func (s *echoServer) NextTimer() (time.Time, bool) { return time.Time{}, false }

func (s *echoServer) Tick() {
	for _, x := range s.inbox {
		s.buf = binary.AppendUvarint(binary.AppendUvarint(s.buf[:0], x), 2*x)
		s.send(hydro.Dest{Location: "client"}, tagAnswer, s.buf)
	}
	s.inbox = s.inbox[:0]
}

var echoLocations = []sim.Location{{Name: "client", Members: 1}, {Name: "server", Members: 1}}

// newEchoNodes simulates an echo client asking the server about ask; the
// client restarts from disk after a crash.
func newEchoNodes(t *testing.T, cfg sim.Config, ask ...uint64) (*sim.Sim, *echoDisk) {
	t.Helper()
	disk := &echoDisk{ask: ask, answers: map[uint64]uint64{}}
	spawn := func(location string, _ int) (hydro.NetNode, error) {
		if location == "client" {
			return &echoClient{disk: disk, resend: 50 * time.Millisecond}, nil
		}
		return &echoServer{}, nil
	}
	s, err := sim.NewNodes(echoLocations, spawn, cfg)
	require.NoError(t, err)
	return s, disk
}

func TestNodesEchoSurvivesLossDuplicationAndCrashes(t *testing.T) {
	var total sim.Stats
	resent := 0
	simtest.Seeds(t, 500, func(t *testing.T, seed uint64) {
		s, disk := newEchoNodes(t, sim.Config{Seed: seed, Faults: sim.Faults{Drop: 0.3, Duplicate: 0.3, Crash: 0.02}}, 1, 2, 3, 4, 5)
		require.NoError(t, s.RunUntil(func() bool { return len(disk.answers) == 5 }, 20_000))
		assert.Equal(t, map[uint64]uint64{1: 2, 2: 4, 3: 6, 4: 8, 5: 10}, disk.answers)
		st := s.Stats()
		total.Dropped += st.Dropped
		total.Duplicated += st.Duplicated
		total.Crashes += st.Crashes
		if st.Sent > 2*5 {
			resent++
		}
	})
	assert.Positive(t, total.Dropped)
	assert.Positive(t, total.Duplicated)
	assert.Positive(t, total.Crashes)
	assert.Positive(t, resent, "runs where the client resent on its timer")
}

func TestNodesEchoQuiesces(t *testing.T) {
	simtest.Seeds(t, 100, func(t *testing.T, seed uint64) {
		s, disk := newEchoNodes(t, sim.Config{Seed: seed, Faults: sim.Faults{Duplicate: 0.3}}, 1, 2, 3)
		require.NoError(t, s.RunUntil(func() bool { return len(disk.answers) == 3 }, 10_000))
		require.NoError(t, s.RunUntilQuiet(10_000), "the answered client's timer is off")
		assert.Equal(t, map[uint64]uint64{1: 2, 2: 4, 3: 6}, disk.answers)
		_, timer := s.NetNode("client", 0).NextTimer()
		assert.False(t, timer)
	})
}

func TestNodesSameSeedSameRun(t *testing.T) {
	run := func(seed uint64) ([]sim.Event, map[uint64]uint64, sim.Stats) {
		var trace []sim.Event
		cfg := sim.Config{Seed: seed, Faults: sim.Faults{Drop: 0.2, Duplicate: 0.2, Crash: 0.01},
			Trace: func(e sim.Event) { trace = append(trace, e) }}
		s, disk := newEchoNodes(t, cfg, 3, 1, 4, 1, 5, 9, 2, 6)
		require.NoError(t, s.Run(2_000))
		return trace, disk.answers, s.Stats()
	}
	ta, a, sa := run(7)
	tb, b, sb := run(7)
	require.NotEmpty(t, ta)
	assert.Equal(t, ta, tb, "the schedule")
	assert.Equal(t, a, b)
	assert.Equal(t, sa, sb)
	tc, _, _ := run(8)
	assert.NotEqual(t, ta, tc, "another seed, another schedule")
}

// recorder records every frame it receives as "tag:payload"; in its first
// tick it sends the frames in out, reusing one buffer.
type recorder struct {
	base
	out   []frameTo
	sent  bool
	got   []string
	inbox []string
}

type frameTo struct {
	to      hydro.Dest
	tag     uint16
	payload string
}

func (r *recorder) Deliver(tag uint16, payload []byte) error {
	if tag == 0 {
		return errors.New("tag 0 is reserved")
	}
	r.inbox = append(r.inbox, fmt.Sprintf("%d:%s", tag, payload))
	return nil
}

func (r *recorder) Pending() bool                { return !r.sent || len(r.inbox) > 0 }
func (r *recorder) NextTimer() (time.Time, bool) { return time.Time{}, false }

func (r *recorder) Tick() {
	r.got = append(r.got, r.inbox...)
	r.inbox = r.inbox[:0]
	if r.sent {
		return
	}
	r.sent = true
	for _, f := range r.out {
		r.buf = append(r.buf[:0], f.payload...)
		r.buf = fmt.Appendf(r.buf, "@%d", r.member)
		r.send(f.to, f.tag, r.buf)
		clear(r.buf) // the simulator has its own copy
	}
}

func TestNodesRouteByDest(t *testing.T) {
	spawn := func(location string, member int) (hydro.NetNode, error) {
		r := &recorder{}
		switch location {
		case "hub":
			r.out = []frameTo{
				{hydro.Dest{Location: "ring", Member: 7}, 1, "one"},            // 7 mod 3 = 1
				{hydro.Dest{Location: "ring", Member: 9, All: true}, 2, "all"}, // Member ignored
			}
		case "ring":
			r.out = []frameTo{{hydro.Dest{Location: "ring", All: true}, 3, "peer"}} // the sender included
		}
		return r, nil
	}
	s, err := sim.NewNodes([]sim.Location{{Name: "hub", Members: 1}, {Name: "ring", Members: 3}}, spawn,
		sim.Config{Seed: 1, Faults: sim.Faults{Duplicate: 0.5}})
	require.NoError(t, err)
	require.NoError(t, s.RunUntilQuiet(1_000))
	assert.Equal(t, 1+3+3*3, s.Stats().Sent)
	for m := range 3 {
		r := s.NetNode("ring", m).(*recorder)
		assert.Equal(t, hydro.MemberID(m), r.member, "SetMember")
		want := []string{"2:all@0", "3:peer@0", "3:peer@1", "3:peer@2"}
		if m == 1 {
			want = append(want, "1:one@0")
		}
		assert.ElementsMatch(t, want, dedupe(r.got), "ring/%d", m)
	}
	assert.Empty(t, s.NetNode("hub", 0).(*recorder).got)
	assert.Nil(t, s.NetNode("ring", 3))
	assert.Nil(t, s.NetNode("nowhere", 0))
	assert.Nil(t, s.Node("ring", 0), "no interpreters here")
}

func dedupe(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func TestNodesErrors(t *testing.T) {
	one := []sim.Location{{Name: "a", Members: 1}}
	spawnOut := func(out ...frameTo) sim.Spawn {
		return func(string, int) (hydro.NetNode, error) { return &recorder{out: out}, nil }
	}

	s, err := sim.NewNodes(one, spawnOut(frameTo{hydro.Dest{Location: "a"}, 0, "x"}), sim.Config{Seed: 5})
	require.NoError(t, err)
	err = s.RunUntilQuiet(100)
	require.Error(t, err, "a frame the receiver cannot decode is a codec bug")
	assert.Contains(t, err.Error(), "sim: seed 5: step ")
	assert.Contains(t, err.Error(), "deliver to a/0: tag 0 is reserved")

	s, err = sim.NewNodes(one, spawnOut(frameTo{hydro.Dest{Location: "b"}, 1, "x"}), sim.Config{Seed: 6})
	require.NoError(t, err)
	err = s.TickAll()
	require.Error(t, err)
	assert.Equal(t, `sim: seed 6: a/0 sent a message (tag 1) to location "b", which is not simulated`, err.Error())

	s, err = sim.NewNodes(one, func(string, int) (hydro.NetNode, error) { return &panicky{}, nil }, sim.Config{Seed: 7})
	require.NoError(t, err)
	err = s.Run(10)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sim: seed 7: step 1: tick of a/0 panicked: runtime error: index out of range")
	assert.Contains(t, err.Error(), "panicky", "the error has the panic's stack")

	for _, c := range []struct {
		name  string
		locs  []sim.Location
		spawn sim.Spawn
		want  string
	}{
		{"no locations", nil, spawnOut(), "sim: no locations to simulate"},
		{"no spawn", one, nil, "sim: no Spawn function"},
		{"no members", []sim.Location{{Name: "a"}}, spawnOut(), `sim: location "a" needs at least 1 member, not 0`},
		{"twice", []sim.Location{{Name: "a", Members: 1}, {Name: "a", Members: 2}}, spawnOut(), `sim: location "a" is listed twice`},
		{"spawn fails", one, func(string, int) (hydro.NetNode, error) { return nil, errors.New("disk full") }, "sim: seed 0: start a/0: disk full"},
		{"nil node", one, func(string, int) (hydro.NetNode, error) { return nil, nil }, "sim: seed 0: start a/0: Spawn returned a nil node"},
	} {
		_, err := sim.NewNodes(c.locs, c.spawn, sim.Config{})
		assert.EqualError(t, err, c.want, c.name)
	}
}

// panicky is a node with a bug.
type panicky struct{ recorder }

func (p *panicky) Tick() { p.got[len(p.got)] = "" }

// alarm sends one frame to itself when its timer, at a fixed time, is due.
type alarm struct {
	base
	at    time.Time
	fired time.Time
	rang  bool
}

func (a *alarm) Deliver(uint16, []byte) error { a.rang = true; return nil }
func (a *alarm) Pending() bool                { return false }

func (a *alarm) NextTimer() (time.Time, bool) { return a.at, a.fired.IsZero() }

func (a *alarm) Tick() {
	if a.fired.IsZero() && !a.now.Before(a.at) {
		a.fired = a.now
		a.send(hydro.Dest{Location: "alarm"}, 1, nil)
	}
}

func TestNodesTimersFireAsTheClockAdvances(t *testing.T) {
	at := time.Unix(0, 0).Add(time.Second)
	s, err := sim.NewNodes([]sim.Location{{Name: "alarm", Members: 1}},
		func(string, int) (hydro.NetNode, error) { return &alarm{at: at}, nil }, sim.Config{Seed: 3})
	require.NoError(t, err)
	a := s.NetNode("alarm", 0).(*alarm)
	require.NoError(t, s.RunUntil(func() bool { return a.rang }, 10_000))
	assert.False(t, a.fired.Before(at), "fired at %v", a.fired)
	assert.Less(t, a.fired.Sub(at), 20*time.Millisecond, "ticked soon after the timer was due")
	require.NoError(t, s.RunUntilQuiet(10))
}

func TestNodesCrashLosesInboundMessages(t *testing.T) {
	// A crash loses every message in flight to the crashed node, and only
	// those: replaying the trace, count each node's messages in flight.
	var lost int
	for seed := range uint64(20) {
		var trace []sim.Event
		s, _ := newEchoNodes(t, sim.Config{Seed: seed, Faults: sim.Faults{Crash: 0.2, Duplicate: 0.2},
			Trace: func(e sim.Event) { trace = append(trace, e) }}, 1, 2, 3)
		require.NoError(t, s.Run(200))
		inFlight := map[string]int{}
		duplicate := false
		for i, e := range trace {
			to := fmt.Sprintf("%s/%d", e.Location, e.Member)
			switch e.Kind {
			case sim.Send:
				inFlight[to]++
			case sim.Duplicate:
				duplicate = true
			case sim.Deliver, sim.Drop:
				if !duplicate {
					inFlight[to]--
				}
				duplicate = false
			case sim.Crash:
				n := 0
				for _, d := range trace[i+1:] {
					if d.Kind != sim.Drop || d.Step != e.Step {
						break
					}
					assert.Equal(t, e.Location, d.Location, "seed %d: only messages to the crashed node are lost", seed)
					n++
				}
				assert.Equal(t, inFlight[to], n, "seed %d step %d: every message in flight to %s is lost", seed, e.Step, to)
				lost += n
			}
		}
		total := 0
		for _, n := range inFlight {
			total += n
		}
		assert.Equal(t, s.InFlight(), total, "seed %d", seed)
	}
	assert.Positive(t, lost)
}

func TestEventString(t *testing.T) {
	e := sim.Event{Step: 3, Now: time.Unix(0, 0).Add(15 * time.Millisecond), Kind: sim.Deliver, Location: "server", Member: 2, Tag: 7}
	assert.Equal(t, "step 3 +15ms deliver server/2 tag 7", e.String())
	e.Kind, e.Tag = sim.Crash, -1
	assert.Equal(t, "step 3 +15ms crash server/2", e.String())
	assert.Equal(t, "EventKind(99)", sim.EventKind(99).String())
}
