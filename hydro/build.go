package hydro

import (
	"fmt"
	"slices"

	"github.com/hydrogo/hydro/internal/check"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// operand is a stream with its element type erased.
type operand struct {
	f    *Flow
	node int
	loc  int
	elem string
}

func (s Stream[T]) operand() operand {
	return operand{f: s.f, node: s.node, loc: s.loc, elem: typeName[T]()}
}

func (o operand) poisoned() bool { return o.f != nil && o.node < 0 }

// stream wraps a new node's output.
func stream[T any](f *Flow, node, loc int) Stream[T] { return Stream[T]{f: f, node: node, loc: loc} }

// poison is the stream returned by an operator that could not be added; using
// it adds nothing and reports nothing more, the cause being reported already.
func poison[T any](f *Flow) Stream[T] { return Stream[T]{f: f, node: -1} }

// inputs checks that an operator's input streams are usable together: none is
// the zero Stream, all come from one flow and live at one location. It
// returns the flow and the inputs' location, or ok=false after reporting.
func inputs(spec *ops.Spec, pos Pos, in ...operand) (f *Flow, loc int, ok bool) {
	for i, o := range in {
		if o.f == nil {
			msg := fmt.Sprintf("%s: %s is the zero hydro.Stream; streams come from sources and operators", spec.API, spec.InputName(i, len(in)))
			if g := firstFlow(in); g != nil {
				g.errorf(pos, "%s", msg)
				return g, 0, false
			}
			strayf(pos, "%s", msg)
			return nil, 0, false
		}
	}
	f, loc = in[0].f, in[0].loc
	for i, o := range in {
		if o.poisoned() {
			return f, 0, false
		}
		if o.f != f {
			f.errorf(pos, "%s: %s belongs to flow %q, not %q; a stream can only be used in the flow that made it",
				spec.API, spec.InputName(i, len(in)), o.f.g.Name, f.g.Name)
			return f, 0, false
		}
		if o.loc != loc {
			f.errorf(pos, "%s: %s lives at %q but %s lives at %q; move one with a network operator first",
				spec.API, spec.InputName(i, len(in)), f.g.Locations[o.loc].Name, spec.InputName(0, len(in)), f.g.Locations[loc].Name)
			return f, 0, false
		}
	}
	return f, loc, true
}

func firstFlow(in []operand) *Flow {
	for _, o := range in {
		if o.f != nil {
			return o.f
		}
	}
	return nil
}

// locationOf checks a location argument.
func locationOf(spec *ops.Spec, pos Pos, l Location) (*Flow, int, bool) {
	if l == nil || l.flow() == nil {
		strayf(pos, "%s: the location is nil; declare one with Flow.Process or Flow.Cluster", spec.API)
		return nil, 0, false
	}
	return l.flow(), l.id(), true
}

// lifetimes resolves an operator's optional lifetime arguments.
func lifetimes(f *Flow, spec *ops.Spec, pos Pos, given []Lifetime) ([]Lifetime, bool) {
	lts, err := check.Lifetimes(spec, given)
	if err != nil {
		f.errorf(pos, "%v", err)
		return nil, false
	}
	return lts, true
}

// addNode appends an operator to the graph and returns its ID.
func (f *Flow) addNode(spec *ops.Spec, pos Pos, loc int, in []operand, lts []Lifetime, elem ir.Type, payload any) int {
	ids := make([]int, len(in))
	for i, o := range in {
		ids[i] = o.node
	}
	return f.g.Add(&ir.Node{
		Op: spec.Name, Spec: spec, Loc: loc, Inputs: ids, Lifetimes: lts, Elem: elem, Pos: pos, Payload: payload,
	}).ID
}

// unary adds a one-input operator without lifetimes.
func unary[T, U any](spec *ops.Spec, pos Pos, s Stream[T], payload any) Stream[U] {
	return unaryLT[T, U](spec, pos, s, nil, payload)
}

// unaryLT adds a one-input operator with optional lifetimes.
func unaryLT[T, U any](spec *ops.Spec, pos Pos, s Stream[T], lt []Lifetime, payload any) Stream[U] {
	f, loc, ok := inputs(spec, pos, s.operand())
	if !ok {
		return poison[U](f)
	}
	lts, ok := lifetimes(f, spec, pos, lt)
	if !ok {
		return poison[U](f)
	}
	id := f.addNode(spec, pos, loc, []operand{s.operand()}, lts, elemType[U](), payload)
	if slices.Contains(lts, Durable) {
		f.recordCodec(id, jsonCodec[U]())
	}
	return stream[U](f, id, loc)
}
