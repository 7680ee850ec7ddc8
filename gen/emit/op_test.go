package emit

import (
	"testing"

	"github.com/hydrogo/hydro/internal/ops"
)

// TestEveryOperatorHasAnEmitter checks the emitters against the operator
// registry, so that no operator of internal/ops is left without an op_*.go
// file here.
func TestEveryOperatorHasAnEmitter(t *testing.T) {
	for _, s := range ops.All() {
		oe := emitters[s.Name]
		if oe == nil {
			t.Errorf("%s: no emitter registered", s.API)
			continue
		}
		// Sources, deferring and network operators, and operators with a
		// blocking input start their subgraphs.
		if (s.Source || s.Defer || s.Network || len(s.Blocking) > 0) && oe.entry == nil {
			t.Errorf("%s: no entry loop", s.API)
		}
		switch {
		case s.MaxInputs != 0 && oe.push == nil:
			t.Errorf("%s: no code consuming an item", s.API)
		case s.MaxInputs == 0 && oe.push != nil:
			t.Errorf("%s: code consuming items of an operator without inputs", s.API)
		}
	}
	for name := range emitters {
		if ops.Lookup(name) == nil {
			t.Errorf("emitter registered for unknown operator %q", name)
		}
	}
}
