package check

import (
	"fmt"
	"path/filepath"

	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
)

// Graph runs the checks of a built graph that the interpreter and hydrogen
// both run, once, over the IR: the flow declares a location; every Timer
// period known while building is positive; no Input is read by two Sources;
// every declared Input is read and every declared Output written (warnings);
// and every type that crosses the network can, which crosses decides (by
// the code generator's rules in hydrogen, by the same rules over reflect in
// the interpreter) and words with its reason. Each builder calls it on the
// graph it built; the checks decide and word every problem here.
func Graph(g *ir.Graph, crosses func(ir.Type) error) diag.List {
	var ds diag.List
	if len(g.Locations) == 0 {
		ds = append(ds, diag.Errorf(g.Pos, diag.Graph, "flow %s declares no location: place its operators with f.Process or f.Cluster", g.Name))
	}
	read := map[*ir.Port]*ir.Node{}
	written := map[*ir.Port]bool{}
	checked := map[string]error{}
	for _, n := range g.Nodes {
		api := n.Spec.API
		if n.Period != nil && *n.Period <= 0 {
			ds = append(ds, diag.Errorf(n.Pos, diag.Graph, "%s: period %v must be positive", api, *n.Period))
		}
		if p := n.Port; p != nil && p.Output {
			written[p] = true
		} else if p != nil {
			if first, ok := read[p]; ok {
				ds = append(ds, diag.Errorf(n.Pos, diag.Graph, "%s: input %s is already read by the %s %s; each item of an Input goes to one Source, so this one would get nothing: read the input once and use the stream twice",
					api, p.Name, first.Spec.API, where(first.Pos, n.Pos)))
				continue
			}
			read[p] = n
		}
		if n.Spec.Network && crosses != nil {
			err, ok := checked[n.Elem.Name]
			if !ok {
				err = crosses(n.Elem)
				checked[n.Elem.Name] = err
			}
			if err != nil {
				ds = append(ds, diag.Errorf(n.Pos, diag.Codec, "%s: %v", api, err))
			}
		}
	}
	for _, p := range g.Ports {
		switch {
		case p.Output && !written[p]:
			ds = append(ds, diag.Warningf(p.Pos, diag.Graph, "output %s is never written: it stays empty; write it with hydro.Sink or remove the parameter", p.Name))
		case !p.Output && read[p] == nil:
			ds = append(ds, diag.Warningf(p.Pos, diag.Graph, "input %s is never read: items pushed to it are never processed; read it with hydro.Source or remove the parameter", p.Name))
		}
	}
	ds.Sort()
	return ds
}

// where names position at as seen from a diagnostic at from, in words that
// do not depend on how a builder knows positions (the interpreter knows no
// columns): the line, and the file when it differs.
func where(at, from ir.Pos) string {
	if at.File == from.File {
		return fmt.Sprintf("on line %d", at.Line)
	}
	return fmt.Sprintf("at %s:%d", filepath.Base(at.File), at.Line)
}
