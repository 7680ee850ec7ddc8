package hydro_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/hydrogo/hydro/hydro"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// above returns "file:line" of the line above its call, to check error
// positions.
func above() string {
	_, file, line, _ := runtime.Caller(1)
	return fmt.Sprintf("%s:%d", file, line-1)
}

// buildErr builds a flow and returns its error, failing if there is none.
func buildErr(t *testing.T, build func(f *hydro.Flow, p *hydro.Process)) error {
	t.Helper()
	f := hydro.NewFlow(t.Name())
	build(f, f.Process("p"))
	err := f.Err()
	require.Error(t, err)
	_, ierr := hydro.Interpret(f)
	require.Error(t, ierr, "Interpret must refuse a flow with errors")
	return err
}

type noKey struct{ A int }

type badTag struct {
	A int `hydro:"primary"`
}

type badFD struct {
	A int `hydro:"key,fd=Nope"`
	B int
}

type wideKey struct {
	A int64 `hydro:"key"`
}

type pair struct {
	A int `hydro:"key"`
	B string
}

type undetermined struct {
	K int    `hydro:"key"`
	X string // neither key, lattice nor determined
	L maxInt `hydro:"lattice"`
}

// copyMerge is a lattice whose Merge has a value receiver: it would merge
// into a copy.
type copyMerge struct{ V int }

func (c copyMerge) Merge(o copyMerge) bool { return false }

type valueMergeLattice struct {
	K int       `hydro:"key"`
	L copyMerge `hydro:"lattice"`
}

type pointerKey struct {
	K *int `hydro:"key"`
}

func TestBuildErrors(t *testing.T) {
	cases := []struct {
		name  string
		build func(f *hydro.Flow, p *hydro.Process) string // returns the expected position
		want  string
	}{
		{"join key mismatch", func(f *hydro.Flow, p *hydro.Process) string {
			a, b := hydro.Iter(p, []pair{}), hydro.Iter(p, []wideKey{})
			hydro.Join(a, b, func(pair, wideKey) int { return 0 })
			return above()
		}, "hydro.Join: key types differ: left hydro_test.pair has key (A int) but right hydro_test.wideKey has key (A int64)"},
		{"join without key", func(f *hydro.Flow, p *hydro.Process) string {
			a := hydro.Iter(p, []noKey{})
			hydro.Join(a, a, func(noKey, noKey) int { return 0 })
			return above()
		}, "left type hydro_test.noKey has no key: tag its key fields with `hydro:\"key\"` or use hydro.JoinBy"},
		{"unknown tag option", func(f *hydro.Flow, p *hydro.Process) string {
			hydro.FoldKeyed(hydro.Iter(p, []badTag{}), func(badTag) int { return 0 }, func(*int, badTag) {})
			return above()
		}, `hydro_test.badTag.A: unknown hydro tag option "primary" (want key, lattice, fd=Field or by=Field+Field)`},
		{"fd names missing field", func(f *hydro.Flow, p *hydro.Process) string {
			hydro.ReduceKeyed(hydro.Iter(p, []badFD{}), func(*badFD, badFD) {})
			return above()
		}, "hydro_test.badFD.A: fd=Nope names no field of hydro_test.badFD (fields: A, B)"},
		{"merge keyed undetermined field", func(f *hydro.Flow, p *hydro.Process) string {
			hydro.MergeKeyed(hydro.Iter(p, []undetermined{}))
			return above()
		}, "field X of hydro_test.undetermined is neither key, lattice nor determined by the key [K]"},
		{"merge keyed without lattice", func(f *hydro.Flow, p *hydro.Process) string {
			hydro.MergeKeyed(hydro.Iter(p, []pair{}))
			return above()
		}, "hydro.MergeKeyed: hydro_test.pair has no `hydro:\"lattice\"` field"},
		{"too many lifetimes", func(f *hydro.Flow, p *hydro.Process) string {
			hydro.Unique(hydro.Iter(p, []int{}), hydro.Tick, hydro.Static)
			return above()
		}, "hydro.Unique takes 1 lifetime(s) (seen) or none for the defaults, got 2"},
		{"join given one lifetime", func(f *hydro.Flow, p *hydro.Process) string {
			s := hydro.Iter(p, []pair{})
			hydro.Join(s, s, func(pair, pair) int { return 0 }, hydro.Static)
			return above()
		}, "hydro.Join takes 2 lifetime(s) (left, right) or none for the defaults, got 1"},
		{"invalid lifetime", func(f *hydro.Flow, p *hydro.Process) string {
			hydro.Unique(hydro.Iter(p, []int{}), hydro.Lifetime(7))
			return above()
		}, "hydro.Unique: Lifetime(7) is not a lifetime; use hydro.Tick, hydro.Static or hydro.Durable"},
		{"durable state an operator cannot log", func(f *hydro.Flow, p *hydro.Process) string {
			hydro.Fold(hydro.Iter(p, []int{}), func() int { return 0 }, func(a *int, x int) { *a += x }, hydro.Durable)
			return above()
		}, "hydro.Fold: its state cannot be hydro.Durable; durable state is kept by hydro.LatticeFold, hydro.MergeKeyed, hydro.ReduceKeyed, hydro.Unique"},
		{"zero stream", func(f *hydro.Flow, p *hydro.Process) string {
			var s hydro.Stream[int]
			hydro.Union(hydro.Iter(p, []int{}), s)
			return above()
		}, "hydro.Union: input 1 is the zero hydro.Stream; streams come from sources and operators"},
		{"stream of another flow", func(f *hydro.Flow, p *hydro.Process) string {
			g := hydro.NewFlow("other")
			other := hydro.Iter(g.Process("q"), []int{})
			hydro.Union(hydro.Iter(p, []int{}), other)
			return above()
		}, `hydro.Union: input 1 belongs to flow "other", not "TestBuildErrors/stream_of_another_flow"; a stream can only be used in the flow that made it`},
		{"streams at two locations", func(f *hydro.Flow, p *hydro.Process) string {
			q := f.Process("q")
			hydro.CrossJoin(hydro.Iter(p, []int{}), hydro.Iter(q, []int{}), func(a, b int) int { return a })
			return above()
		}, `hydro.CrossJoin: the right input lives at "q" but the left input lives at "p"; move one with a network operator first`},
		{"lattice merge with value receiver", func(f *hydro.Flow, p *hydro.Process) string {
			hydro.MergeKeyed(hydro.Iter(p, []valueMergeLattice{}))
			return above()
		}, "hydro_test.valueMergeLattice.L: lattice field of type hydro_test.copyMerge has method Merge with a value receiver, which merges into a copy and loses the result; declare it on *hydro_test.copyMerge"},
		{"pointer key", func(f *hydro.Flow, p *hydro.Process) string {
			s := hydro.Iter(p, []pointerKey{})
			hydro.Join(s, s, func(a, b pointerKey) int { return 0 })
			return above()
		}, "hydro_test.pointerKey.K: key field of pointer type *int compares by address, not by value; use the pointed-to type"},
		{"input read twice", func(f *hydro.Flow, p *hydro.Process) string {
			in := hydro.NewInput[int]("in")
			hydro.Source(p, in)
			hydro.Source(p, in)
			return above()
		}, "hydro.Source: input in is already read by the hydro.Source on line "},
		{"zero input", func(f *hydro.Flow, p *hydro.Process) string {
			hydro.Source(p, hydro.Input[int]{})
			return above()
		}, "hydro.Source: the input is the zero hydro.Input; create it with hydro.NewInput"},
		{"zero output", func(f *hydro.Flow, p *hydro.Process) string {
			hydro.Sink(hydro.Iter(p, []int{}), hydro.Output[int]{})
			return above()
		}, "hydro.Sink: the output is the zero hydro.Output; create it with hydro.NewOutput"},
		{"cycle never completed", func(f *hydro.Flow, p *hydro.Process) string {
			c, _ := hydro.Cycle[int](p)
			pos := above()
			hydro.ForEach(c, func(int) {})
			return pos
		}, "hydro.Cycle: the cycle is never completed"},
		{"cycle completed twice", func(f *hydro.Flow, p *hydro.Process) string {
			c, complete := hydro.Cycle[int](p)
			complete(hydro.DeferTick(c))
			complete(hydro.DeferTick(c))
			return above()
		}, "is already completed"},
		{"duplicate location", func(f *hydro.Flow, p *hydro.Process) string {
			f.Cluster("p")
			return above()
		}, `hydro.Flow.Cluster: location "p" is already declared at`},
		{"bad location name", func(f *hydro.Flow, p *hydro.Process) string {
			f.Process("Leader Node")
			return above()
		}, `location name "Leader Node" must be a lower-case identifier`},
		{"timer period", func(f *hydro.Flow, p *hydro.Process) string {
			hydro.Timer(p, 0)
			return above()
		}, "hydro.Timer: period 0s must be positive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var pos string
			err := buildErr(t, func(f *hydro.Flow, p *hydro.Process) { pos = c.build(f, p) })
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), pos+": ", "the error names the operator's call site")
			var he *hydro.Error
			assert.True(t, errors.As(err, &he))
		})
	}
}

func TestCycleThroughBlockingEdgeNeedsDeferTick(t *testing.T) {
	f := hydro.NewFlow("bad-cycle")
	p := f.Process("p")
	total, complete := hydro.Cycle[int](p)
	sum := hydro.Fold(hydro.Union(hydro.Iter(p, []int{1}), total), func() int { return 0 }, func(a *int, x int) { *a += x })
	foldPos := above()
	complete(sum)
	require.NoError(t, f.Err(), "the flow is well formed; the cycle is a scheduling error")
	_, err := hydro.Interpret(f)
	require.Error(t, err)
	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, foldPos+": "), msg)
	assert.Contains(t, msg, "cycle through the blocking input of hydro.Fold")
	assert.Contains(t, msg, "pass the cycle's back edge through hydro.DeferTick")

	// The same loop through DeferTick is legal: a running total.
	f = hydro.NewFlow("good-cycle")
	p = f.Process("p")
	in := hydro.NewInput[int]("in")
	out := hydro.NewOutput[int]("out")
	total, complete = hydro.Cycle[int](p)
	sum = hydro.Fold(hydro.Union(hydro.Source(p, in), total), func() int { return 0 }, func(a *int, x int) { *a += x })
	complete(hydro.DeferTick(sum))
	hydro.Sink(sum, out)
	it, err := hydro.Interpret(f)
	require.NoError(t, err)
	in.Push(1, 2)
	it.Tick()
	in.Push(10)
	it.Tick()
	assert.Equal(t, []int{3, 13}, out.Take())
}

func lineOf(pos string) int {
	var line int
	fmt.Sscan(pos[strings.LastIndexByte(pos, ':')+1:], &line)
	return line
}

func TestZeroStreamErrorIsNotLost(t *testing.T) {
	var s hydro.Stream[int]
	hydro.Map(s, func(x int) int { return x }) // no flow to record into
	f := hydro.NewFlow("later")
	f.Process("p")
	err := f.Err()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "hydro.Map: the input stream is the zero hydro.Stream")
}

func TestInterpretNeedsOneLocation(t *testing.T) {
	f := hydro.NewFlow("two")
	hydro.Iter(f.Process("a"), []int{})
	hydro.Iter(f.Process("b"), []int{})
	_, err := hydro.Interpret(f)
	assert.ErrorContains(t, err, "flow two has 2 locations; Interpret runs one location")
	_, err = hydro.Interpret(hydro.NewFlow("none"))
	assert.ErrorContains(t, err, "declares no location")
}

func TestErrorsAreSortedAndAllReported(t *testing.T) {
	f := hydro.NewFlow("many")
	p := f.Process("p")
	hydro.Source(p, hydro.Input[int]{})
	hydro.Unique(hydro.Iter(p, []int{}), hydro.Lifetime(9))
	err := f.Err()
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 2)
	assert.Less(t, lineOf(strings.SplitN(lines[0], ": ", 2)[0]), lineOf(strings.SplitN(lines[1], ": ", 2)[0]))
}

func TestFlowWithoutLocation(t *testing.T) {
	f := hydro.NewFlow("Empty")
	err := f.Err()
	require.EqualError(t, err, "flow Empty declares no location: place its operators with f.Process or f.Cluster")
}

// embeddedKey is keyed by a field of an embedded struct.
type keyPart struct {
	Client uint32 `hydro:"key"`
}

type embeddedKey struct {
	keyPart
	Item string
}

type classOf struct {
	Client uint32 `hydro:"key"`
	Class  string
}

func TestPromotedKeyField(t *testing.T) {
	f := hydro.NewFlow("Promoted")
	p := f.Process("p")
	out := hydro.NewOutput[string]("out")
	items := hydro.Iter(p, []embeddedKey{{keyPart{1}, "apple"}, {keyPart{2}, "pear"}})
	classes := hydro.Iter(p, []classOf{{1, "basic"}, {2, "premium"}})
	hydro.Sink(hydro.Join(items, classes, func(e embeddedKey, c classOf) string { return e.Item + ":" + c.Class }), out)
	require.NoError(t, f.Err())
	r, err := hydro.Interpret(f)
	require.NoError(t, err)
	r.Tick()
	assert.ElementsMatch(t, []string{"apple:basic", "pear:premium"}, out.Take())
}
