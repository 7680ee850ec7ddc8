// Package analyze runs the analyses of internal/analysis over flows the
// compiler parsed. It gives the analyses what go/types and the syntax tell:
// the tag schema of every element type, the key fields of keyed operators,
// and a summary of every user function passed to an operator — its
// //hydro:pure, //hydro:commutative and //hydro:monotone directives, whether
// its syntax proves it pure, and what its result is in terms of its
// parameters.
package analyze

import (
	"go/ast"
	"go/types"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/analysis"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/tags"
)

// Flow returns the analyses' view of a parsed flow.
func Flow(f *parse.Flow) analysis.Program {
	p := &program{f: f, sum: newSummarizer(f), schemas: map[types.Type]*tags.Schema{}}
	return p
}

// Run runs analyzers over a parsed flow.
func Run(f *parse.Flow, analyzers ...*analysis.Analyzer) (*analysis.Results, error) {
	return analysis.Run(Flow(f), analyzers...)
}

type program struct {
	f       *parse.Flow
	sum     *summarizer
	schemas map[types.Type]*tags.Schema
	funcs   map[int][]*analysis.Func
}

func (p *program) Graph() *ir.Graph { return p.f.Graph }

func (p *program) schemaOf(t types.Type) *tags.Schema {
	if t == nil {
		return nil
	}
	if s, ok := p.schemas[t]; ok {
		return s
	}
	s, err := parse.SchemaOf(t)
	if err != nil || len(s.Fields) == 0 {
		s = nil
	}
	p.schemas[t] = s
	return s
}

func (p *program) Schema(node int) *tags.Schema {
	if node >= len(p.f.Graph.Nodes) {
		return nil
	}
	return p.schemaOf(parse.Go(p.f.Graph.Nodes[node].Elem))
}

func (p *program) Keys(node int) [][]int {
	info := parse.SyntaxOf(p.f.Graph.Nodes[node])
	if len(info.Keys) == 0 {
		return p.keyFuncs(node)
	}
	out := make([][]int, len(info.Keys))
	for i, k := range info.Keys {
		s := p.schemaOf(k.Elem)
		if s == nil {
			continue
		}
		for _, f := range k.Fields {
			for j, sf := range s.Fields {
				if sf.Name == f.Name() {
					out[i] = append(out[i], j)
				}
			}
		}
	}
	return out
}

// keyFuncs returns the keys of a By variant (hydro.JoinBy, ...) whose key
// functions return one field of their item, as a tag would name it: the
// field's index in the keyed input's schema, or nil for a port whose key
// function computes more than that.
func (p *program) keyFuncs(node int) [][]int {
	n := p.f.Graph.Nodes[node]
	sp := n.Spec
	fs := p.Funcs(node)
	if sp.By == "" || n.API != sp.By || sp.Keyed == 0 || len(fs) < sp.Keyed || len(n.Inputs) < sp.Keyed {
		return nil
	}
	out := make([][]int, sp.Keyed)
	found := false
	for i := range sp.Keyed {
		r := fs[i]
		s := p.Schema(n.Inputs[i])
		if r == nil || r.Result == nil || r.Result.Kind != analysis.ParamField || r.Result.Param != 0 || len(r.Result.Path) != 1 || s == nil {
			continue
		}
		for j, sf := range s.Fields {
			if sf.Name == r.Result.Path[0] {
				out[i], found = []int{j}, true
			}
		}
	}
	if !found {
		return nil
	}
	return out
}

func (p *program) Funcs(node int) []*analysis.Func {
	if fs, ok := p.funcs[node]; ok {
		return fs
	}
	if p.funcs == nil {
		p.funcs = map[int][]*analysis.Func{}
	}
	info := parse.SyntaxOf(p.f.Graph.Nodes[node])
	var out []*analysis.Func
	n := p.f.Graph.Nodes[node]
	for i, u := range info.UDFs {
		fn := p.sum.udf(u)
		// The result describes the output item only for the last function
		// when it maps the input items, in port order, to the item.
		if i == len(info.UDFs)-1 && fn.Result != nil && !resultIsItem(u.Sig, parse.Go(n.Elem), len(n.Inputs)) {
			c := *fn
			c.Result = nil
			fn = &c
		}
		out = append(out, fn)
	}
	p.funcs[node] = out
	return out
}

// KeyFuncs returns what is known about the key functions of node when it
// is an operator's By variant (hydro.DemuxBy, hydro.JoinBy, ...): one per
// keyed input, in argument order, each Result the key in terms of the
// function's parameter, the item (parameter 0); nil for any other node.
// (Funcs describes a function's result only when it is the output item.)
func KeyFuncs(f *parse.Flow, node int) []*analysis.Func {
	n := f.Graph.Nodes[node]
	sp := n.Spec
	if sp == nil || sp.By == "" || n.API != sp.By || sp.Keyed == 0 {
		return nil
	}
	udfs := parse.SyntaxOf(n).UDFs
	if len(udfs) < sp.Keyed {
		return nil
	}
	sum := newSummarizer(f)
	out := make([]*analysis.Func, sp.Keyed)
	for i := range out {
		out[i] = sum.udf(udfs[i])
	}
	return out
}

// resultIsItem reports whether sig takes one item per input port and
// returns the output item, alone or with whether to emit it (FilterMap).
func resultIsItem(sig *types.Signature, elem types.Type, inputs int) bool {
	if sig == nil || elem == nil || sig.Params().Len() != inputs {
		return false
	}
	res := sig.Results()
	switch {
	case res.Len() == 2 && types.Identical(res.At(1).Type(), types.Typ[types.Bool]):
	case res.Len() != 1:
		return false
	}
	return types.Identical(res.At(0).Type(), elem)
}

// directives returns the //hydro: directives of a doc comment.
func directives(doc *ast.CommentGroup) map[string]bool {
	out := map[string]bool{}
	if doc == nil {
		return out
	}
	for _, c := range doc.List {
		if name, ok := cutDirective(c.Text); ok {
			out[name] = true
		}
	}
	return out
}

func cutDirective(text string) (string, bool) {
	const prefix = "//hydro:"
	if len(text) <= len(prefix) || text[:len(prefix)] != prefix {
		return "", false
	}
	return text[len(prefix):], true
}
