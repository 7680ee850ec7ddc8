package parse_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/examples/counter"
	"github.com/hydrogo/hydro/examples/hashset"
	"github.com/hydrogo/hydro/examples/microbench"
	"github.com/hydrogo/hydro/examples/microbench/pingpong"
	"github.com/hydrogo/hydro/examples/paxos"
	"github.com/hydrogo/hydro/examples/rset"
	"github.com/hydrogo/hydro/examples/shopping"
	"github.com/hydrogo/hydro/examples/twopc"
	"github.com/hydrogo/hydro/examples/voting"
	"github.com/hydrogo/hydro/gen/load"
	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/lattices"
)

// recorders build, through the interpreter's recording Flow, every flow of
// the repository. A flow missing here fails TestGraphsMatchInterpreter.
var recorders = map[string]func(f *hydro.Flow){
	"shopping.Figure2": func(f *hydro.Flow) {
		shopping.Figure2(f, hydro.NewInput[shopping.Request]("in"), nil, hydro.NewOutput[shopping.Cart]("out"))
	},
	"shopping.Figure3": func(f *hydro.Flow) {
		shopping.Figure3(f, hydro.NewInput[shopping.PrefixSession]("in"), nil, hydro.NewOutput[shopping.Cart]("out"))
	},
	"shopping.Figure4": func(f *hydro.Flow) {
		shopping.Figure4(f, hydro.NewInput[shopping.Session]("in"), nil, hydro.NewOutput[shopping.Cart]("out"))
	},
	"shopping.Figure5": func(f *hydro.Flow) {
		shopping.Figure5(f, hydro.NewInput[shopping.Session]("in"), nil, hydro.NewOutput[shopping.Cart]("out"))
	},
	"shopping.Figure6": func(f *hydro.Flow) {
		shopping.Figure6(f, hydro.NewInput[shopping.Session]("in"), nil, hydro.NewOutput[shopping.Cart]("out"))
	},
	"shopping.Figure7": func(f *hydro.Flow) {
		shopping.Figure7(f, hydro.NewInput[shopping.Session]("in"), nil, hydro.NewOutput[shopping.Cart]("out"))
	},
	"shopping.Figure8": func(f *hydro.Flow) {
		shopping.Figure8(f, hydro.NewInput[shopping.Session]("in"), nil, hydro.NewOutput[shopping.ReplicaCart]("out"))
	},
	"counter.Counter": func(f *hydro.Flow) {
		counter.Counter(f, in[counter.Incr](), out[counter.Incr](), out[counter.Total]())
	},
	"counter.Peaks": func(f *hydro.Flow) {
		counter.Peaks(f, in[counter.Peak](), in[counter.Lookup](), out[counter.Peak]())
	},
	"twopc.TwoPC": func(f *hydro.Flow) {
		twopc.TwoPC(f, in[twopc.Request](), out[twopc.Outcome](), out[twopc.Vote](), out[twopc.Decision]())
	},
	"counter.Milestones": func(f *hydro.Flow) {
		counter.Milestones(f, in[counter.Incr](), out[counter.Milestone]())
	},
	"hashset.Hashset": func(f *hydro.Flow) {
		hashset.Hashset(f, in[hashset.Write](), nil, nil, nil, nil, out[hashset.Outcome](), out[hashset.Ack](), out[hashset.Inconsistency]())
	},
	"paxos.Paxos": func(f *hydro.Flow) {
		paxos.Paxos(f, in[paxos.Request](), out[paxos.Reply](), out[paxos.Executed](), out[paxos.P2b](), 0, 0)
	},
	"rset.RSet": func(f *hydro.Flow) {
		rset.RSet(f, in[rset.Command](), out[rset.Answer](), out[rset.Ack]())
	},
	"rset.RSetBallot": func(f *hydro.Flow) {
		rset.RSetBallot(f, in[rset.Command](), out[rset.Answer](), out[rset.Ack]())
	},
	"rset.RSetHighest": func(f *hydro.Flow) {
		rset.RSetHighest(f, in[rset.Command](), out[rset.Answer]())
	},
	"rset.RSetCollisions": func(f *hydro.Flow) {
		rset.RSetCollisions(f, in[rset.Command](), out[rset.Answer](), out[rset.Ack](), out[rset.Collisions]())
	},
	"rset.RSetInteger": func(f *hydro.Flow) {
		rset.RSetInteger(f, in[rset.Command](), out[rset.Answer](), out[rset.Ack]())
	},
	"rset.RSetCounters": func(f *hydro.Flow) {
		rset.RSetCounters(f, in[rset.Command](), out[rset.Answer](), out[rset.Ack]())
	},
	"rset.RSetSnapshot": func(f *hydro.Flow) {
		rset.RSetSnapshot(f, in[rset.Command](), out[rset.Answer](), out[rset.Ack](), out[rset.Snapshot]())
	},
	"voting.Voting": func(f *hydro.Flow) {
		voting.Voting(f, in[voting.Request](), out[voting.Request](), out[voting.Vote]())
	},
	"pingpong.PingPong":     func(f *hydro.Flow) { pingpong.PingPong(f, in[pingpong.Ping](), out[pingpong.Ping]()) },
	"microbench.Identity":   func(f *hydro.Flow) { microbench.Identity(f, in[int](), out[int]()) },
	"microbench.Arithmetic": func(f *hydro.Flow) { microbench.Arithmetic(f, in[int](), out[int]()) },
	"microbench.Upcase":     func(f *hydro.Flow) { microbench.Upcase(f, in[string](), out[string]()) },
	"microbench.Join": func(f *hydro.Flow) {
		microbench.Join(f, in[microbench.Pair](), in[microbench.Pair](), out[microbench.Joined]())
	},
	"microbench.FanIn": func(f *hydro.Flow) { microbench.FanIn(f, in[int](), in[int](), in[int](), in[int](), out[int]()) },
	"microbench.FanOut": func(f *hydro.Flow) {
		microbench.FanOut(f, in[int](), out[int](), out[int](), out[int](), out[int]())
	},
	"microbench.ForkJoin":     func(f *hydro.Flow) { microbench.ForkJoin(f, in[int](), out[int]()) },
	"microbench.Diamonds":     func(f *hydro.Flow) { microbench.Diamonds(f, in[int](), out[int]()) },
	"microbench.WordsDiamond": func(f *hydro.Flow) { microbench.WordsDiamond(f, in[string](), out[string]()) },
	"microbench.Reachability": func(f *hydro.Flow) { microbench.Reachability(f, in[uint32](), nil, out[uint32]()) },
	"microbench.ReachabilityInTick": func(f *hydro.Flow) {
		microbench.ReachabilityInTick(f, in[uint32](), nil, out[uint32]())
	},
	"microbench.TransitiveClosure": func(f *hydro.Flow) {
		microbench.TransitiveClosure(f, in[microbench.Edge](), out[microbench.Path]())
	},
	"microbench.Countdown": func(f *hydro.Flow) { microbench.Countdown(f, in[int](), out[int]()) },
	"microbench.CartTotals": func(f *hydro.Flow) {
		microbench.CartTotals(f, in[microbench.Pair](), nil, 0, out[microbench.Total]())
	},
	"microbench.Negation":   func(f *hydro.Flow) { microbench.Negation(f, in[microbench.Pair](), out[microbench.Pair]()) },
	"microbench.Diff":       func(f *hydro.Flow) { microbench.Diff(f, in[int](), out[int]()) },
	"microbench.Cross":      func(f *hydro.Flow) { microbench.Cross(f, in[int](), out[microbench.Pair]()) },
	"microbench.Aggregates": func(f *hydro.Flow) { microbench.Aggregates(f, in[microbench.Pair](), out[microbench.Pair]()) },
	"microbench.RateTable":  func(f *hydro.Flow) { microbench.RateTable(f, in[microbench.Pair](), out[microbench.Pair]()) },
	"microbench.Sorted":     func(f *hydro.Flow) { microbench.Sorted(f, in[int](), out[hydro.Indexed[int]]()) },
	"microbench.SortedPairs": func(f *hydro.Flow) {
		microbench.SortedPairs(f, in[microbench.Pair](), out[hydro.Indexed[microbench.Pair]]())
	},
	"microbench.Persisted": func(f *hydro.Flow) { microbench.Persisted(f, in[int](), out[int]()) },
	"microbench.Lattices": func(f *hydro.Flow) {
		microbench.Lattices(f, in[microbench.Pair](), out[microbench.Reading](), out[lattices.Max[int]]())
	},
	"microbench.PersistChain": func(f *hydro.Flow) { microbench.PersistChain(f, in[int](), out[int]()) },
	"microbench.Checked":      func(f *hydro.Flow) { microbench.Checked(f, in[int](), out[int]()) },
	"microbench.UniqueInts":   func(f *hydro.Flow) { microbench.UniqueInts(f, in[int](), out[int]()) },
	"microbench.FlatMapInts":  func(f *hydro.Flow) { microbench.FlatMapInts(f, in[int](), out[int]()) },
	"microbench.DifferenceInts": func(f *hydro.Flow) {
		microbench.DifferenceInts(f, in[int](), in[int](), out[int]())
	},
	"microbench.FoldSum": func(f *hydro.Flow) { microbench.FoldSum(f, in[int](), out[int]()) },
	"microbench.CrossPairs": func(f *hydro.Flow) {
		microbench.CrossPairs(f, in[int](), in[int](), out[microbench.Pair]())
	},
	"microbench.FoldKeyedSum": func(f *hydro.Flow) {
		microbench.FoldKeyedSum(f, in[microbench.Pair](), out[microbench.Pair]())
	},
	"microbench.NextTick": func(f *hydro.Flow) { microbench.NextTick(f, in[int](), out[int]()) },
	"microbench.Hot": func(f *hydro.Flow) {
		microbench.Hot(f, in[microbench.Pair](), in[microbench.Probe](), out[microbench.Reading](), out[microbench.Pair]())
	},
	"microbench.Firsts": func(f *hydro.Flow) { microbench.Firsts(f, in[microbench.Pair](), out[microbench.Pair]()) },
	"microbench.Unacked": func(f *hydro.Flow) {
		microbench.Unacked(f, in[microbench.Pair](), in[int](), out[microbench.Pair]())
	},
	"microbench.Snapshot": func(f *hydro.Flow) {
		microbench.Snapshot(f, in[microbench.Pair](), in[int](), in[microbench.Probe](), out[microbench.Pair](), out[microbench.Pair]())
	},
	"microbench.Pending": func(f *hydro.Flow) {
		microbench.Pending(f, in[microbench.Pair](), in[microbench.Probe](), out[microbench.Reading]())
	},
	"microbench.Expand": func(f *hydro.Flow) { microbench.Expand(f, in[int](), 3, out[int]()) },
	"microbench.Ticker": func(f *hydro.Flow) {
		microbench.Ticker(f, in[int](), out[int64](), out[microbench.Pair]())
	},
}

func in[T any]() hydro.Input[T]   { return hydro.NewInput[T]("in") }
func out[T any]() hydro.Output[T] { return hydro.NewOutput[T]("out") }

var pathPrefix = regexp.MustCompile(`(?:[\w.-]+/)+`)

// normalize prints a graph with positions reduced to file:line and element
// types to package-qualified names without spaces.
func normalize(g *ir.Graph) string {
	var b strings.Builder
	b.WriteString(g.String())
	for _, l := range g.Locations {
		b.WriteString(l.Name + " " + ir.Pos{File: l.Pos.File, Line: l.Pos.Line}.String() + "\n")
	}
	for _, n := range g.Nodes {
		b.WriteString(n.Op + " " + ir.Pos{File: n.Pos.File, Line: n.Pos.Line}.String() + " " + n.Target + "\n")
	}
	s := strings.ReplaceAll(b.String(), " ", "·")
	s = strings.ReplaceAll(s, ",·", ",")
	return pathPrefix.ReplaceAllString(s, "")
}

func TestGraphsMatchInterpreter(t *testing.T) {
	res, err := load.Packages("../..", "./examples/...")
	require.NoError(t, err)
	parsed := parse.Packages(res.Fset, res.Packages)
	seen := map[string]bool{}
	for _, f := range parsed.Flows {
		name := f.Pkg.Name + "." + f.Name
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			rec, ok := recorders[name]
			if !ok {
				t.Fatalf("flow %s has no recorder in this test; add one", name)
			}
			require.Empty(t, parsed.Errors[f])
			hf := hydro.NewFlow(f.Name)
			rec(hf)
			require.NoError(t, hf.Err())
			require.Equal(t, normalize(hf.Graph()), normalize(f.Graph))
		})
	}
	for name := range recorders {
		require.True(t, seen[name], "recorder %s names no parsed flow", name)
	}
}
