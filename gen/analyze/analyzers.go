package analyze

import (
	"github.com/hydrogo/hydro/internal/analysis"
)

// Analyzers returns every analysis of internal/analysis: what hydrogen runs
// over each flow. (Ports never read or written are reported by the shared
// checks of internal/check.)
func Analyzers() []*analysis.Analyzer {
	return append([]*analysis.Analyzer(nil), analysis.All...)
}
