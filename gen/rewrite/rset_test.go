package rewrite_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRSetPlanRefusals checks, for each rewrite examples/rset/rset.hydroplan
// applies, that a plan on the same base flow whose precondition fails is
// refused with a diagnostic at the operator that breaks it, saying why.
func TestRSetPlanRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, flow, step, want string
	}{
		{"independent", "RSet", "decouple independent voted,open,carry,tallies,decided,done,commit,repeat to collector",
			`rset.go:182:33: decouple independent voted,open,carry,tallies,decided,done,commit,repeat to collector: hydro.Union reads the output of hydro.FilterMap (`},
		{"functional", "RSetHighest", "decouple functional answered,answer to encrypter",
			`rset.go:256:29: decouple functional answered,answer to encrypter: hydro.CrossJoin (bound to answered) is not functional: keeps state`},
		{"monotonic", "RSetBallot", "decouple monotonic stamps,replied,answer to replier",
			`rset.go:213:22: decouple monotonic stamps,replied,answer to replier: hydro.Join (bound to stamps) keeps its left for one tick (hydro.Tick)`},
		{"co-hashing", "RSet", "partition client into 2",
			`rset.go:155:23: partition client into 2: location "client" reads the flow's input commands, so it is a client; clients are outside the rewrites`},
		{"dependencies", "RSetCollisions", "partition replica into 2 by ID",
			`rset.go:286:25: partition replica into 2 by ID: location "replica" cannot be partitioned by ID: hydro.Unique (`},
		{"every item", "RSetInteger", "partition replica into 2",
			`rset.go:332:29: partition replica into 2: location "replica" cannot be partitioned: hydro.LatticeFold (`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := derive(t, "./examples/rset", tc.flow, "derive X from "+tc.flow+"\n"+tc.step+"\n")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
