package analysis

import (
	"slices"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
)

// Deps finds, for every operator, the key of its element type and the
// functional dependencies that hold on its output stream.
//
// Dependencies come from the element type's tags (fd= and by=, promises about
// every value of the type) and from the inputs: an operator that forwards
// items keeps the dependencies all its forwarded inputs have; an operator
// whose function builds its item from the input items (Map, Join, CrossJoin)
// keeps an input dependency when its function provably copies the fields on
// both sides into output fields, gains one between output fields that copy
// fields a join matched as equal, and gains one for an output field its pure
// function computes from copied fields alone. A function that cannot be
// analysed keeps nothing but the tags.
var Deps = &Analyzer{
	Name: "deps",
	Doc:  "keys and functional dependencies of every operator's output",
	Run:  runDeps,
}

// FD is a functional dependency between fields of a stream's elements: the
// fields From together determine the field To.
type FD struct {
	From []string
	To   string
	// Declared reports a dependency the element type's tags declare.
	Declared bool
	// Derived reports a dependency derived from the operator's inputs.
	Derived bool
}

func (fd FD) String() string {
	from := strings.Join(fd.From, ", ")
	if len(fd.From) != 1 {
		from = "(" + from + ")"
	}
	return from + " → " + fd.To
}

func (fd FD) same(o FD) bool { return fd.To == o.To && slices.Equal(fd.From, o.From) }

// StreamDeps is what Deps knows about one operator's output.
type StreamDeps struct {
	// Type is the element type's name; empty when unknown.
	Type string
	// Fields are the element type's field names.
	Fields []string
	// Key holds the names of the type's key fields.
	Key []string
	// FDs are the dependencies known to hold, declared first.
	FDs []FD
}

// Determines reports whether the fields from determine field to, through
// the closure of the dependencies.
func (d *StreamDeps) Determines(from []string, to string) bool {
	return slices.Contains(d.Closure(from), to)
}

// Closure returns every field that the fields from determine, from included.
func (d *StreamDeps) Closure(from []string) []string {
	have := slices.Clone(from)
	for changed := true; changed; {
		changed = false
		for _, fd := range d.FDs {
			if slices.Contains(have, fd.To) {
				continue
			}
			all := true
			for _, f := range fd.From {
				all = all && slices.Contains(have, f)
			}
			if all {
				have = append(have, fd.To)
				changed = true
			}
		}
	}
	return have
}

func (d *StreamDeps) add(fd FD) {
	if slices.Contains(fd.From, fd.To) || !slices.Contains(d.Fields, fd.To) {
		return
	}
	for _, f := range fd.From {
		if !slices.Contains(d.Fields, f) {
			return
		}
	}
	for i, o := range d.FDs {
		if o.same(fd) {
			d.FDs[i].Declared = o.Declared || fd.Declared
			d.FDs[i].Derived = o.Derived || fd.Derived
			return
		}
	}
	d.FDs = append(d.FDs, fd)
}

// DepsResult is the result of Deps: one entry per node, by ID.
type DepsResult []*StreamDeps

func runDeps(pass *Pass) (any, error) {
	g, prog := pass.Graph, pass.Program
	out := make(DepsResult, len(g.Nodes))
	for _, n := range g.Nodes {
		d := &StreamDeps{}
		if s := prog.Schema(n.ID); s != nil {
			d.Type = s.Type
			for _, f := range s.Fields {
				d.Fields = append(d.Fields, f.Name)
			}
			for _, k := range s.Key {
				d.Key = append(d.Key, s.Fields[k].Name)
			}
			for _, fd := range s.FDs {
				from := make([]string, len(fd.From))
				for i, f := range fd.From {
					from[i] = s.Fields[f].Name
				}
				d.add(FD{From: from, To: s.Fields[fd.To].Name, Declared: true})
			}
		}
		out[n.ID] = d
		// Inputs produced later are on a cycle: nothing is known of them yet,
		// and the tags alone hold.
		known := func(in int) bool { return in < n.ID && out[in].Type != "" }
		sp := spec(g, n.ID)
		var forwarded []int
		for port, in := range n.Inputs {
			if sp.ForwardsPort(port) {
				forwarded = append(forwarded, in)
			}
		}
		switch {
		case len(forwarded) > 0:
			inheritCommon(d, out, forwarded, known)
		case len(n.Inputs) > 0 && !sp.Network:
			if f := combiner(prog, n.ID); f != nil && f.Result != nil {
				derive(d, out, prog, n, f, known)
			}
		}
	}
	return out, nil
}

// inheritCommon adds the dependencies that hold on every one of ins.
func inheritCommon(d *StreamDeps, out DepsResult, ins []int, known func(int) bool) {
	for _, in := range ins {
		if !known(in) {
			return
		}
	}
	for _, fd := range out[ins[0]].FDs {
		all := true
		for _, in := range ins[1:] {
			all = all && out[in].Determines(fd.From, fd.To)
		}
		if all {
			d.add(FD{From: fd.From, To: fd.To, Derived: true})
		}
	}
}

// attr is a field of the item of an input port.
type attr struct {
	port  int
	field string
}

// derive adds the dependencies an operator whose function f builds its
// output item from its input items keeps and gains.
func derive(d *StreamDeps, out DepsResult, prog Program, n *ir.Node, f *Func, known func(int) bool) {
	if len(d.Fields) == 0 {
		return
	}
	// equal groups the input fields a keyed operator matched as equal.
	equal := map[attr]int{}
	class := func(a attr) int {
		if c, ok := equal[a]; ok {
			return c
		}
		c := len(equal) + 1000
		equal[a] = c
		return c
	}
	if keys := prog.Keys(n.ID); len(keys) == 2 && keys[0] != nil && keys[1] != nil && len(keys[0]) == len(keys[1]) {
		ls, rs := prog.Schema(n.Inputs[0]), prog.Schema(n.Inputs[1])
		if ls != nil && rs != nil {
			for i := range keys[0] {
				c := class(attr{0, ls.Fields[keys[0][i]].Name})
				equal[attr{1, rs.Fields[keys[1][i]].Name}] = c
			}
		}
	}
	// copies[a] lists the output fields equal to input field a (or to a
	// field matched equal to it).
	copies := map[attr][]string{}
	derived := map[string][]attr{}
	for _, field := range d.Fields {
		v := fieldOf(f.Result, field)
		if v == nil {
			continue
		}
		switch v.Kind {
		case ParamField:
			if v.Param >= len(n.Inputs) {
				continue
			}
			if len(v.Path) == 1 {
				a := attr{v.Param, v.Path[0]}
				copies[a] = append(copies[a], field)
				continue
			}
			if f.Pure || len(v.Path) > 1 {
				// A sub-field of a field is a function of the field.
				if from, ok := inputAttrs(out, n, []*Value{v}); ok {
					derived[field] = from
				}
			}
		case Derived:
			if f.Pure && len(v.From) > 0 {
				if from, ok := inputAttrs(out, n, v.From); ok {
					derived[field] = from
				}
			}
		}
	}
	// Spread copies across fields matched equal.
	for a, fields := range copies {
		c, ok := equal[a]
		if !ok {
			continue
		}
		for b, cb := range equal {
			if cb == c && b != a {
				copies[b] = append(copies[b], fields...)
			}
		}
	}
	for a := range copies {
		slices.Sort(copies[a])
		copies[a] = slices.Compact(copies[a])
	}
	// Output fields equal to one another determine one another.
	for _, fields := range copies {
		for _, x := range fields {
			for _, y := range fields {
				if x != y {
					d.add(FD{From: []string{x}, To: y, Derived: true})
				}
			}
		}
	}
	// Input dependencies whose fields were all copied.
	for port, in := range n.Inputs {
		if !known(in) {
			continue
		}
		for _, fd := range out[in].FDs {
			to := copies[attr{port, fd.To}]
			if len(to) == 0 {
				continue
			}
			from, ok := outputFields(copies, port, fd.From)
			if !ok {
				continue
			}
			for _, t := range to {
				d.add(FD{From: from, To: t, Derived: true})
			}
		}
	}
	// Fields computed from copied fields.
	for field, from := range derived {
		var names []string
		ok := true
		for _, a := range from {
			c := copies[a]
			if len(c) == 0 {
				ok = false
				break
			}
			names = append(names, c[0])
		}
		if ok {
			slices.Sort(names)
			d.add(FD{From: slices.Compact(names), To: field, Derived: true})
		}
	}
	slices.SortStableFunc(d.FDs, func(a, b FD) int {
		if a.Declared != b.Declared {
			if a.Declared {
				return -1
			}
			return 1
		}
		return strings.Compare(a.String(), b.String())
	})
}

// outputFields names, for each field of an input port, one output field
// that copies it.
func outputFields(copies map[attr][]string, port int, fields []string) ([]string, bool) {
	var out []string
	for _, f := range fields {
		c := copies[attr{port, f}]
		if len(c) == 0 {
			return nil, false
		}
		out = append(out, c[0])
	}
	slices.Sort(out)
	return slices.Compact(out), true
}

// inputAttrs returns the top-level input fields the parameter values vs
// read; a whole struct parameter reads all its fields.
func inputAttrs(out DepsResult, n *ir.Node, vs []*Value) ([]attr, bool) {
	var from []attr
	for _, v := range vs {
		if v.Kind != ParamField || v.Param >= len(n.Inputs) {
			return nil, false
		}
		if len(v.Path) == 0 {
			in := out[n.Inputs[v.Param]]
			if in == nil { // produced later, on a cycle or by a rewrite's relay: nothing known yet
				return nil, false
			}
			fields := in.Fields
			if len(fields) == 0 {
				return nil, false
			}
			for _, f := range fields {
				from = append(from, attr{v.Param, f})
			}
			continue
		}
		from = append(from, attr{v.Param, v.Path[0]})
	}
	return from, true
}

// fieldOf returns the value of field name of the result v.
func fieldOf(v *Value, name string) *Value {
	switch v.Kind {
	case Struct:
		return v.Fields[name]
	case ParamField:
		return &Value{Kind: ParamField, Param: v.Param, Path: append(slices.Clone(v.Path), name)}
	}
	return nil
}
