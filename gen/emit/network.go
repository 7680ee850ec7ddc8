package emit

import (
	"bytes"
	"fmt"
	"go/types"
	"path/filepath"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/ir"
)

// Codecs names the binary codec functions of the types that cross the
// network. The generator behind it writes the functions once per package.
type Codecs interface {
	// Need returns the names of the functions
	//	func append(dst []byte, v *T) []byte
	//	func decode(src []byte, v *T) (int, error)
	// for t, or an error saying why t cannot cross the network.
	Need(t types.Type) (appendFn, decodeFn string, err error)
	// NeedJSON returns the name of the function
	//	func appendJSON(dst []byte, v *T) ([]byte, error)
	// that writes t as encoding/json would, without reflection, or false
	// for a type whose JSON it does not write.
	NeedJSON(t types.Type) (string, bool)
}

const hydroPath = "github.com/hydrogo/hydro/hydro"

// codec returns the codec functions of t, reporting a problem at n.
func (e *emitter) codec(n *ir.Node, t types.Type) (string, string, bool) {
	app, dec, err := e.codecs.Need(t)
	if err != nil {
		e.errorAt(n.Pos, "%s: %v", n.Spec.API, err)
		return "", "", false
	}
	return app, dec, true
}

// receivers returns the network operators whose items arrive at the current
// location, in node order.
func (e *emitter) receivers() []*ir.Node {
	var out []*ir.Node
	for _, n := range e.f.Graph.Nodes {
		if n.Loc == e.s.Loc && n.Spec.Network {
			out = append(out, n)
		}
	}
	return out
}

// netMethods writes the methods through which a runtime moves the node's
// frames: Deliver and OnSend.
func (e *emitter) netMethods(w *bytes.Buffer) {
	hydro := e.importAs("hydro", hydroPath)
	fmtPkg := e.importAs("fmt", "fmt")
	loc := e.f.Graph.Locations[e.s.Loc].Name
	if len(e.durableNodes()) > 0 {
		fmt.Fprintf(w, `// OnSend sets the function that carries the node's outgoing frames, one
// item each, tagged with the sending operator; it is called during Tick,
// once the tick's changes to durable state are committed, and payload is
// valid only during the call. Until it is set, items sent to other
// locations are dropped.
func (nd *%s) OnSend(fn func(to %s.Dest, tag uint16, payload []byte)) {
	nd.hydroOut.SetSend(fn)
	nd.hydroSend = nil
	if fn != nil {
		nd.hydroSend = nd.hydroOut.Hold
	}
}
`, e.typ, hydro)
	} else {
		fmt.Fprintf(w, `// OnSend sets the function that carries the node's outgoing frames, one
// item each, tagged with the sending operator; it is called during Tick and
// payload is valid only during the call. Until it is set, items sent to
// other locations are dropped.
func (nd *%s) OnSend(fn func(to %s.Dest, tag uint16, payload []byte)) { nd.hydroSend = fn }
`, e.typ, hydro)
	}
	fmt.Fprintf(w, `
// Deliver decodes one frame received from the network; its item enters the
// next tick. It keeps nothing from a frame with an unknown tag or a payload
// that does not decode, and says why.
func (nd *%s) Deliver(tag uint16, payload []byte) error {
	switch tag {
`, e.typ)
	for _, n := range e.receivers() {
		info := e.node(n.ID)
		_, dec, ok := e.codec(n, parse.Go(info.Elem))
		if !ok {
			continue
		}
		where := fmt.Sprintf("flow %s, location %s, %s at %s:%d", e.f.Name, loc, n.Spec.API, filepath.Base(n.Pos.File), n.Pos.Line)
		fmt.Fprintf(w, `	case %d:
		var v %s
		n, err := %s(payload, &v)
		if err != nil {
			return %s.Errorf("%s: %%w", err)
		}
		if n != len(payload) {
			return %s.Errorf("%s: %%d bytes after the item", len(payload)-n)
		}
		nd.n%dRecv = append(nd.n%dRecv, v)
		return nil
`, n.ID, e.typeString(parse.Go(info.Elem)), dec, fmtPkg, where, fmtPkg, where, n.ID, n.ID)
	}
	fmt.Fprintf(w, "\t}\n\treturn %s.Errorf(\"flow %s, location %s: no network operator has tag %%d\", tag)\n}\n\n", fmtPkg, e.f.Name, loc)
}

// ports writes, for every Input and Output parameter of the flow, the
// function describing it to runtimes and clients: its frame tag and codec.
// A parameter whose element type cannot cross the network gets none.
func (e *emitter) ports(w *bytes.Buffer) {
	hydro := e.importAs("hydro", hydroPath)
	for i, p := range e.f.Params {
		if p.Kind != parse.InputParam && p.Kind != parse.OutputParam {
			continue
		}
		elem := p.Type.(*types.Named).TypeArgs().At(0)
		app, dec, err := e.codecs.Need(elem)
		if err != nil {
			continue
		}
		t := e.typeString(elem)
		kind := "input"
		json := ""
		if p.Kind == parse.OutputParam {
			kind = "output"
			if fn, ok := e.codecs.NeedJSON(elem); ok {
				json = ", AppendJSON: " + fn
			}
		}
		name := PortFunc(e.f.Name, p.Name)
		fmt.Fprintf(w, `// %s describes the %s %s of flow %s to the runtimes and clients
// that reach it over the network.
func %s() %s.Port[%s] {
	return %s.Port[%s]{Name: %q, Tag: %s.PortTagBase + %d, Append: %s, Decode: %s%s}
}

`, name, kind, p.Name, e.f.Name, name, hydro, t, hydro, t, p.Name, hydro, i, app, dec, json)
	}
}

// PortFunc returns the name of the generated function describing parameter
// param of flow as a port.
func PortFunc(flow, param string) string { return flow + exported(param) + "Port" }
