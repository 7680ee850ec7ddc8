// Package analysis holds the analyses that read a flow's graph and derive
// facts about it: keys and functional dependencies, co-partition
// dependencies, monotonicity, functional regions, independent components,
// candidate partition keys, and where the network reorders or repeats items.
// The rewrites read these facts to decide what they may do; hydrogen prints
// them ("hydrogen explain") and reports the warnings ("hydrogen check"); the
// interpreter runs the same analyses on the graph it records.
//
// Analyses follow golang.org/x/tools/go/analysis: each is an *Analyzer that
// declares the analyzers it requires and returns its facts, which the
// analyzers requiring it read from Pass.ResultOf. Run runs a set of analyzers
// and everything they require, once each, in dependency order.
//
// The analyses see a flow through Program: the graph plus what a front end
// knows about element types (their tag schemas), the keys keyed operators
// use, and the user functions passed to operators (summaries of their
// syntax and their //hydro: directives). A front end that knows less (the
// interpreter has no function syntax) gets weaker, never wrong, facts.
package analysis

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
	"github.com/hydrogo/hydro/internal/tags"
)

// Program is a flow's graph and what the front end knows about it.
type Program interface {
	// Graph returns the flow's graph.
	Graph() *ir.Graph
	// Schema returns the tag schema of node's output element type (of its
	// input for sinks), or nil when it is unknown or not a struct.
	Schema(node int) *tags.Schema
	// Keys returns, for a keyed operator, the indices of the key fields in
	// each keyed input port's element type; a nil entry is a port keyed by
	// a key function.
	Keys(node int) [][]int
	// Funcs returns the user functions passed to node, in argument order; a
	// nil entry is a function nothing is known about.
	Funcs(node int) []*Func
}

// Func is what is known about a user function passed to an operator.
type Func struct {
	// Name is the function's name, or "func literal".
	Name string
	// Pos is where the function is declared.
	Pos ir.Pos
	// Pure reports that the function's result depends only on its arguments
	// and it has no effect: declared with //hydro:pure or proven from its
	// syntax.
	Pure bool
	// Commutative reports a //hydro:commutative function: folding items in
	// any order gives the same result.
	Commutative bool
	// Monotone reports a //hydro:monotone function: folding more items only
	// grows the result in its lattice order, so the fold is monotone.
	Monotone bool
	// Result is the function's result in terms of its parameters, when the
	// result is the operator's output item and the parameters are the items
	// of its input ports in order (Map, Join, CrossJoin); nil otherwise or
	// when the syntax could not be analysed.
	Result *Value
}

// ValueKind says what a Value is.
type ValueKind uint8

const (
	// Opaque is a value nothing is known about.
	Opaque ValueKind = iota
	// ParamField is (a field path of) a parameter, copied.
	ParamField
	// Struct is a struct literal with known fields.
	Struct
	// Derived is computed, by pure code, from the ParamField values From only.
	Derived
)

// Value describes an expression of a user function in terms of its
// parameters.
type Value struct {
	Kind ValueKind
	// Param is the parameter's index (ParamField).
	Param int
	// Path is the field path within the parameter, empty for the whole
	// parameter (ParamField).
	Path []string
	// Fields are the fields of a struct literal by name (Struct); missing
	// fields are Opaque.
	Fields map[string]*Value
	// From are the ParamField values a Derived value is computed from.
	From []*Value
	// Expr is the expression computing a Derived value as the front end
	// knows it (a go/ast expression in the compiler's analyses), for a
	// rewrite that computes the value elsewhere; nil when unknown.
	Expr any
}

func (v *Value) String() string {
	if v == nil {
		return "?"
	}
	switch v.Kind {
	case ParamField:
		s := fmt.Sprintf("$%d", v.Param)
		for _, p := range v.Path {
			s += "." + p
		}
		return s
	case Struct:
		names := make([]string, 0, len(v.Fields))
		for n := range v.Fields {
			names = append(names, n)
		}
		slices.Sort(names)
		s := "{"
		for i, n := range names {
			if i > 0 {
				s += ", "
			}
			s += n + ": " + v.Fields[n].String()
		}
		return s + "}"
	case Derived:
		s := "f("
		for i, f := range v.From {
			if i > 0 {
				s += ", "
			}
			s += f.String()
		}
		return s + ")"
	}
	return "?"
}

// Analyzer describes one analysis.
type Analyzer struct {
	// Name is the analysis's name, also the category of its diagnostics.
	Name string
	// Doc says what the analysis finds.
	Doc string
	// Requires are the analyzers whose results Run reads.
	Requires []*Analyzer
	// Run computes the analysis's facts for one program.
	Run func(*Pass) (any, error)
}

func (a *Analyzer) String() string { return a.Name }

// Pass is one analyzer's run over one program.
type Pass struct {
	Analyzer *Analyzer
	Program  Program
	Graph    *ir.Graph
	// ResultOf holds the results of the required analyzers.
	ResultOf map[*Analyzer]any
	report   func(Diagnostic)
}

// Reportf reports a finding at pos.
func (p *Pass) Reportf(pos ir.Pos, format string, args ...any) {
	p.report(Diagnostic{Pos: pos, Severity: diag.Warning, Category: p.Analyzer.Name, Message: fmt.Sprintf(format, args...)})
}

// Diagnostic is a finding of an analysis: the diagnostic type of every stage
// (internal/diag), with the analysis's name as its category. Analyses find
// what is legal but may make a program's outcome depend on the network;
// they are warnings.
type Diagnostic = diag.Diagnostic

// Results holds the facts and findings of a run.
type Results struct {
	Facts       map[*Analyzer]any
	Diagnostics []Diagnostic
}

// All is every analysis of the package.
var All = []*Analyzer{Deps, CoPartition, Order, Monotone, Functional, Components, Partition}

// Run runs analyzers, and every analyzer they require, over prog. The
// diagnostics are sorted by position.
func Run(prog Program, analyzers ...*Analyzer) (*Results, error) {
	res := &Results{Facts: map[*Analyzer]any{}}
	var run func(a *Analyzer, stack []*Analyzer) error
	run = func(a *Analyzer, stack []*Analyzer) error {
		if _, done := res.Facts[a]; done {
			return nil
		}
		if slices.Contains(stack, a) {
			return fmt.Errorf("analysis: %s requires itself", a.Name)
		}
		for _, r := range a.Requires {
			if err := run(r, append(stack, a)); err != nil {
				return err
			}
		}
		p := &Pass{Analyzer: a, Program: prog, Graph: prog.Graph(), ResultOf: map[*Analyzer]any{},
			report: func(d Diagnostic) { res.Diagnostics = append(res.Diagnostics, d) }}
		for _, r := range a.Requires {
			p.ResultOf[r] = res.Facts[r]
		}
		v, err := a.Run(p)
		if err != nil {
			return fmt.Errorf("analysis %s: %w", a.Name, err)
		}
		res.Facts[a] = v
		return nil
	}
	for _, a := range analyzers {
		if err := run(a, nil); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(res.Diagnostics, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.Pos.File, b.Pos.File), cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col), cmp.Compare(a.Message, b.Message))
	})
	return res, nil
}

// GraphOnly is a Program that knows only the graph: no schemas or keys, and
// of user functions only that a node with a payload has one (unknown). The
// analyses that need more report less.
func GraphOnly(g *ir.Graph) Program { return graphOnly{g} }

type graphOnly struct{ g *ir.Graph }

func (p graphOnly) Graph() *ir.Graph      { return p.g }
func (graphOnly) Schema(int) *tags.Schema { return nil }
func (graphOnly) Keys(int) [][]int        { return nil }
func (p graphOnly) Funcs(n int) []*Func {
	if p.g.Nodes[n].Payload != nil && !spec(p.g, n).Source {
		return []*Func{nil}
	}
	return nil
}

// spec returns the operator of node n.
func spec(g *ir.Graph, n int) *ops.Spec { return ops.Lookup(g.Nodes[n].Op) }

// combiner returns the function an aggregation folds items with: the last
// function passed to it (the add of Fold and FoldKeyed, the reducer of
// Reduce), or nil.
func combiner(p Program, n int) *Func {
	fs := p.Funcs(n)
	if len(fs) == 0 {
		return nil
	}
	return fs[len(fs)-1]
}

// local reports whether the edge from producer in to node n stays at one
// location (network operators live at their destination).
func local(g *ir.Graph, in, n int) bool {
	return !spec(g, n).Network && g.Nodes[in].Loc == g.Nodes[n].Loc
}

// describe names node n for messages: "hydro.Join (flows.go:12:5)".
func describe(g *ir.Graph, n int) string {
	return fmt.Sprintf("%s (%s)", spec(g, n).API, g.Nodes[n].Pos)
}

// NodeAPI returns the user-facing name of node n's operator ("hydro.Join").
func NodeAPI(g *ir.Graph, n int) string { return spec(g, n).API }
