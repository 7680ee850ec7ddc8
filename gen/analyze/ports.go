package analyze

import (
	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/analysis"
)

// Ports reports a flow's Input parameters that no Source reads (items pushed
// to them are never processed) and Output parameters that no Sink writes
// (they stay empty). Only the compiler sees a flow's parameters, so this is
// a check of hydrogen's alone; it warns, since such a flow still runs.
var Ports = &analysis.Analyzer{
	Name: "ports",
	Doc:  "Input parameters never read and Output parameters never written",
	Run:  runPorts,
}

func runPorts(pass *analysis.Pass) (any, error) {
	p, ok := pass.Program.(*program)
	if !ok {
		return nil, nil
	}
	used := map[*parse.Param]bool{}
	for _, n := range p.f.Graph.Nodes {
		info := parse.SyntaxOf(n)
		if info.Port != nil {
			used[info.Port] = true
		}
	}
	for _, prm := range p.f.Params {
		if used[prm] {
			continue
		}
		pos := p.sum.pos(prm.Obj.Pos())
		switch prm.Kind {
		case parse.InputParam:
			pass.Reportf(pos, "input %s is never read: items pushed to it are never processed; read it with hydro.Source or remove the parameter", prm.Name)
		case parse.OutputParam:
			pass.Reportf(pos, "output %s is never written: it stays empty; write it with hydro.Sink or remove the parameter", prm.Name)
		}
	}
	return nil, nil
}

// Analyzers returns every analysis of internal/analysis and the checks of
// this package that warn: what hydrogen runs over each flow.
func Analyzers() []*analysis.Analyzer {
	return append(append([]*analysis.Analyzer(nil), analysis.All...), Ports)
}
