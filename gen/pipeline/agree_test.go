package pipeline

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/gen/testdata/agree"
	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/internal/diag"
)

// TestInterpreterAndHydrogenAgree builds every flow of gen/testdata/agree
// both ways, by calling it with a recording *hydro.Flow and through the
// pipeline, and checks that both reject it with the same messages at the
// same lines: the checks of internal/check decide and word them once. The
// flows cover lifetimes, keys, key agreement, mergeability, timers, sources,
// types that cross the network and a flow without a location.
func TestInterpreterAndHydrogenAgree(t *testing.T) {
	p, err := Load("../testdata/agree", ".")
	require.NoError(t, err)
	require.Len(t, p.Flows, len(agree.Builders))
	for _, f := range p.Flows {
		t.Run(f.Name, func(t *testing.T) {
			build := agree.Builders[f.Name]
			require.NotNil(t, build, "no builder for flow %s", f.Name)
			rec := hydro.NewFlow(f.Name)
			build(rec)
			var interpreted []*diag.Diagnostic
			for _, e := range unwrap(rec.Err()) {
				var d *diag.Diagnostic
				require.True(t, errors.As(e, &d), "%v is not a diagnostic", e)
				interpreted = append(interpreted, d)
			}
			require.NotEmpty(t, interpreted, "the interpreter accepts %s", f.Name)
			compiled := f.Diagnostics.Errors()
			for _, d := range interpreted {
				if d.Pos.Line == 0 {
					// The interpreter knows no position for problems of
					// the whole flow (it declares no location); hydrogen
					// reports them at the flow's name.
					compiled = withoutLine(compiled, d.Message)
				}
			}
			require.Equal(t, lines(interpreted), lines(compiled))
		})
	}
}

// withoutLine returns ds with the line of the diagnostics saying msg
// cleared.
func withoutLine(ds diag.List, msg string) diag.List {
	out := make(diag.List, len(ds))
	for i, d := range ds {
		if d.Message == msg {
			c := *d
			c.Pos = diag.Pos{}
			d = &c
		}
		out[i] = d
	}
	return out
}

// unwrap returns the errors err joins.
func unwrap(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

// lines returns "line: message" for every diagnostic, sorted.
func lines(ds []*diag.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%d: %s", d.Pos.Line, d.Message))
	}
	slices.Sort(out)
	return out
}
