package names

import (
	"context"
	"testing"

	"github.com/hydrogo/hydro/hydro"
)

// TestZeroPeriodRejectedAtStart runs the generated node with a Timer period
// parameter of zero: it must refuse to start, in the interpreter's words,
// rather than tick without pause.
func TestZeroPeriodRejectedAtStart(t *testing.T) {
	nd := NewNamesP(hydro.NewInput[Pair]("in"), "", 0, 0, 0, 0, 0, 0, 0, 0, hydro.NewOutput[string]("out"), hydro.NewOutput[int]("ticks"))
	var v hydro.Validator = nd
	const want = "flows.go:44:34: hydro.Timer: period 0s must be positive"
	if err := v.Validate(); err == nil || err.Error() != want {
		t.Fatalf("Validate: %v, want %q", err, want)
	}
	if err := nd.Run(context.Background()); err == nil || err.Error() != want {
		t.Fatalf("Run: %v, want %q", err, want)
	}
}
