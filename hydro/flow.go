// Package hydro is the user-facing API of Hydro for Go: a flow function wires
// a dataflow program from streams and operators, and the same function runs
// two ways. Calling it with a recording *Flow builds the program's graph,
// which this package's reference interpreter runs directly; hydrogen reads the
// function's source and compiles it into fused Go code. Both must agree.
//
// A flow function is an ordinary Go function marked //hydro:flow whose first
// parameter is a *Flow:
//
//	//hydro:flow
//	func WordCount(f *hydro.Flow, lines hydro.Input[string], out hydro.Output[Count]) {
//		p := f.Process("counter")
//		words := hydro.FlatMap(hydro.Source(p, lines), splitWords)
//		hydro.Sink(hydro.FoldKeyed(words, newCount, addWord, hydro.Static), out)
//	}
//
// Every node runs in ticks: it takes all inputs that have arrived, runs the
// dataflow to completion stratum by stratum, and emits its outputs. See
// docs/semantics.md for the exact rules.
package hydro

import (
	"errors"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/hydrogo/hydro/internal/analysis"
	"github.com/hydrogo/hydro/internal/check"
	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/tags"
)

// Lifetime says how long an operator keeps its state: for one tick or for the
// life of the node.
type Lifetime = ir.Lifetime

const (
	// Tick state is cleared at the end of every tick.
	Tick = ir.Tick
	// Static state is kept across ticks.
	Static = ir.Static
	// Durable state is kept across ticks and survives a crash: every change
	// a tick makes is logged and synced before the tick's messages and
	// outputs leave, and a restarted node recovers it (docs/durability.md).
	Durable = ir.Durable
)

// Pos is a source position.
type Pos = ir.Pos

// Flow records a dataflow program while a flow function runs.
type Flow struct {
	g       ir.Graph
	errs    []error
	schemas map[reflect.Type]schemaResult
	cycles  []*cycleState
	// ports maps the queue of every Input and Output the flow uses to its
	// port in the graph.
	ports map[any]*ir.Port
	// checked says the shared checks of the built graph ran.
	checked bool
	codecs  map[int]valueCodec // how durable operators' records encode, by node ID
}

// port returns the graph's port of the Input or Output with queue q.
func (f *Flow) port(q any, name string, output bool) *ir.Port {
	if p, ok := f.ports[q]; ok {
		return p
	}
	if f.ports == nil {
		f.ports = map[any]*ir.Port{}
	}
	p := &ir.Port{Name: name, Output: output}
	f.ports[q] = p
	f.g.Ports = append(f.g.Ports, p)
	return p
}

type schemaResult struct {
	s   *tags.Schema
	err error
}

// NewFlow returns an empty flow to pass to a flow function.
func NewFlow(name string) *Flow {
	return &Flow{g: ir.Graph{Name: name}}
}

// Name returns the flow's name.
func (f *Flow) Name() string { return f.g.Name }

// Location is where a stream lives: a *Process or a *Cluster.
type Location interface {
	// Name returns the location's name.
	Name() string
	flow() *Flow
	id() int
}

// Process is a location consisting of one node.
type Process struct {
	f    *Flow
	loc  int
	name string
}

// Name returns the process's name.
func (p *Process) Name() string { return p.name }
func (p *Process) flow() *Flow  { return p.f }
func (p *Process) id() int      { return p.loc }

// Cluster is a location consisting of several members running the same code.
type Cluster struct {
	f    *Flow
	loc  int
	name string
}

// Name returns the cluster's name.
func (c *Cluster) Name() string { return c.name }
func (c *Cluster) flow() *Flow  { return c.f }
func (c *Cluster) id() int      { return c.loc }

// Process declares a process location called name.
func (f *Flow) Process(name string) *Process {
	id := f.addLocation(name, ir.ProcessLoc, callerPos(2))
	return &Process{f: f, loc: id, name: name}
}

// Cluster declares a cluster location called name.
func (f *Flow) Cluster(name string) *Cluster {
	id := f.addLocation(name, ir.ClusterLoc, callerPos(2))
	return &Cluster{f: f, loc: id, name: name}
}

func (f *Flow) addLocation(name string, kind ir.LocKind, pos Pos) int {
	switch {
	case name == "":
		f.errorf(pos, "hydro.Flow.%s: a location needs a name", kindAPI(kind))
	case !ir.ValidLocationName(name):
		f.errorf(pos, "hydro.Flow.%s: location name %q must be a lower-case identifier (letters, digits, '-', '_'), it names a binary", kindAPI(kind), name)
	}
	for _, l := range f.g.Locations {
		if l.Name == name && name != "" {
			f.errorf(pos, "hydro.Flow.%s: location %q is already declared at %s", kindAPI(kind), name, l.Pos)
		}
	}
	id := len(f.g.Locations)
	f.g.Locations = append(f.g.Locations, &ir.Location{ID: id, Name: name, Kind: kind, Pos: pos})
	return id
}

func kindAPI(k ir.LocKind) string {
	if k == ir.ClusterLoc {
		return "Cluster"
	}
	return "Process"
}

// Stream is an unbounded sequence of items of type T at one location. The
// zero Stream is invalid; streams come from sources and operators.
type Stream[T any] struct {
	f    *Flow
	node int
	loc  int
}

// Location returns the stream's location name.
func (s Stream[T]) Location() string {
	if s.f == nil {
		return ""
	}
	return s.f.g.Locations[s.loc].Name
}

// Err returns every error recorded while the flow was built, sorted by
// position, or nil. Errors include a completed-cycle check, so call it after
// the flow function returns.
func (f *Flow) Err() error {
	f.checkCycles()
	if !f.checked && len(f.errs) == 0 {
		// The checks of a built graph that hydrogen runs too, with the
		// code generator's rules for the types that cross the network.
		f.checked = true
		for _, d := range check.Graph(&f.g, crosses) {
			if d.Severity == diag.Error {
				f.errs = append(f.errs, d)
			}
		}
	}
	errs := slices.Clone(f.errs)
	strayMu.Lock()
	errs = append(errs, strays...)
	strays = nil
	strayMu.Unlock()
	if len(errs) == 0 {
		return nil
	}
	slices.SortStableFunc(errs, func(a, b error) int { return comparePos(errPos(a), errPos(b)) })
	return errors.Join(errs...)
}

// Warnings returns what the analyses found in the flow that is legal but may
// make its outcome depend on the network: an order-sensitive operator reading
// a stream that crossed the network, for one. Each names its position.
func (f *Flow) Warnings() []string {
	var out []string
	for _, w := range analysis.OrderSensitive(analysis.GraphOnly(&f.g)) {
		out = append(out, w.Pos.String()+": "+w.Message)
	}
	return out
}

// Graph returns the recorded program. It is meant for the compiler's tests and
// tools; programs run through Interpret.
func (f *Flow) Graph() *ir.Graph { return &f.g }

// Error is a problem in a flow, found while it is built: the diagnostic type
// hydrogen reports too (its Message names no position; Error prints the
// position first).
type Error = diag.Diagnostic

func errPos(err error) Pos {
	var e *Error
	if errors.As(err, &e) {
		return e.Pos
	}
	return Pos{}
}

func comparePos(a, b Pos) int {
	if c := strings.Compare(a.File, b.File); c != 0 {
		return c
	}
	if a.Line != b.Line {
		return a.Line - b.Line
	}
	return a.Col - b.Col
}

func (f *Flow) errorf(pos Pos, format string, args ...any) {
	f.errs = append(f.errs, diag.Errorf(pos, diag.Graph, format, args...))
}

// Errors on the zero Stream cannot name their flow; they are reported by the
// next Flow.Err call instead of being lost.
var (
	strayMu sync.Mutex
	strays  []error
)

func strayf(pos Pos, format string, args ...any) {
	strayMu.Lock()
	strays = append(strays, diag.Errorf(pos, diag.Graph, format, args...))
	strayMu.Unlock()
}

// callerPos returns the position of the call skip frames up.
func callerPos(skip int) Pos {
	_, file, line, ok := runtime.Caller(skip)
	if !ok {
		return Pos{}
	}
	return Pos{File: file, Line: line}
}

// typeName is how element types appear in the graph and in messages.
func typeName[T any]() string { return reflect.TypeFor[T]().String() }

// elemType is the element type of a stream of T in the graph.
func elemType[T any]() ir.Type { return ir.ReflectType(reflect.TypeFor[T]()) }
