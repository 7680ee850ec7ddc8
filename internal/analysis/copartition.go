package analysis

import (
	"fmt"
	"strings"
)

// CoPartition finds the co-partition dependencies that joins establish
// (paper 002 §4.2): items of the two inputs of a keyed join (or anti-join)
// meet only when their keys are equal, so partitioning one input by its key
// fields and the other by the matching key fields brings every matching
// pair to one member. Through a dependency K → Y of one side (K among its
// key fields), routing that side by Y and the other side by the value Y
// takes for the matching key also co-locates the pairs: the dependency
// K ↪ Y links the first side's key fields to the second side's Y.
var CoPartition = &Analyzer{
	Name:     "copartition",
	Doc:      "co-partition dependencies through keyed joins",
	Requires: []*Analyzer{Deps},
	Run:      runCoPartition,
}

// Attrs names fields of the output stream of a node.
type Attrs struct {
	Node   int
	Fields []string
	// Via, when set, says the fields are not the stream's own: they are
	// computed from its items by a pure function of the location's dataflow
	// (a dependency partitioning routes through, paper 002 §4.2).
	Via *Computed
}

// Computed is a field an operator's pure function computes from fields of
// its input items alone: Field of Node's output is Value, a Derived value
// whose Expr the front end knows.
type Computed struct {
	Node  int
	Field string
	Value *Value
}

// CD is a co-partition dependency: for every pair of items of From's and
// To's streams that meet at the join Via, To's fields are a function of
// From's fields.
type CD struct {
	From, To Attrs
	Via      int
	// By is the function: "=" for key equality, or the dependency of To's
	// stream it goes through.
	By string
}

func (cd CD) String() string {
	return fmt.Sprintf("n%d.(%s) ↪ n%d.(%s) by %s at n%d", cd.From.Node, strings.Join(cd.From.Fields, ", "),
		cd.To.Node, strings.Join(cd.To.Fields, ", "), cd.By, cd.Via)
}

func runCoPartition(pass *Pass) (any, error) {
	g, prog := pass.Graph, pass.Program
	deps := pass.ResultOf[Deps].(DepsResult)
	var out []CD
	for _, n := range g.Nodes {
		keys := prog.Keys(n.ID)
		if len(keys) != 2 || keys[0] == nil || keys[1] == nil || len(n.Inputs) != 2 {
			continue
		}
		sides := [2]*StreamDeps{deps[n.Inputs[0]], deps[n.Inputs[1]]}
		names := [2][]string{}
		for s := range 2 {
			sc := prog.Schema(n.Inputs[s])
			if sc == nil {
				break
			}
			for _, k := range keys[s] {
				names[s] = append(names[s], sc.Fields[k].Name)
			}
		}
		if len(names[0]) == 0 || len(names[0]) != len(names[1]) {
			continue
		}
		for s := range 2 {
			from, to := Attrs{Node: n.Inputs[s], Fields: names[s]}, Attrs{Node: n.Inputs[1-s], Fields: names[1-s]}
			out = append(out, CD{From: from, To: to, Via: n.ID, By: "="})
			// Dependencies of the other side from its key fields.
			for _, fd := range sides[1-s].FDs {
				if !subset(fd.From, names[1-s]) || contains(names[1-s], fd.To) {
					continue
				}
				var mine []string
				for _, f := range fd.From {
					mine = append(mine, names[s][index(names[1-s], f)])
				}
				out = append(out, CD{From: Attrs{Node: n.Inputs[s], Fields: mine}, To: Attrs{Node: n.Inputs[1-s], Fields: []string{fd.To}}, Via: n.ID, By: fd.String()})
			}
		}
	}
	return out, nil
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !contains(b, x) {
			return false
		}
	}
	return true
}

func contains(s []string, x string) bool { return index(s, x) >= 0 }

func index(s []string, x string) int {
	for i, y := range s {
		if y == x {
			return i
		}
	}
	return -1
}
