package counter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/durable"
	"github.com/hydrogo/hydro/lattices"
)

// TestPeaksRecoveredThenGrown runs Peaks interpreted and generated: a
// durable merge whose groups come back on restart, then a new group, then
// lookups of old and new keys. The generated merge tracks changed groups
// only (its reader probes an index), and a restart brings back groups it
// never marked.
func TestPeaksRecoveredThenGrown(t *testing.T) {
	for _, interpreted := range []bool{false, true} {
		disk := durable.NewMemFS()
		var reports hydro.Input[Peak]
		var lookups hydro.Input[Lookup]
		var answers hydro.Output[Peak]
		start := func() interface {
			Tick()
			hydro.DurableNode
		} {
			reports, lookups, answers = hydro.NewInput[Peak]("reports"), hydro.NewInput[Lookup]("lookups"), hydro.NewOutput[Peak]("answers")
			var n interface {
				Tick()
				hydro.DurableNode
			}
			if interpreted {
				f := hydro.NewFlow("Peaks")
				Peaks(f, reports, lookups, answers)
				it, err := hydro.Interpret(f)
				require.NoError(t, err)
				n = it
			} else {
				n = NewPeaksCounter(reports, lookups, answers)
			}
			require.NoError(t, n.Recover(disk, durable.Options{}))
			return n
		}
		n := start()
		for k := range uint32(3) {
			reports.Push(Peak{Key: k, Max: lattices.NewMax(int64(k) * 10)})
		}
		n.Tick()
		n.Close()
		n = start() // three groups recovered, none marked as changed
		reports.Push(Peak{Key: 7, Max: lattices.NewMax(int64(70))}, Peak{Key: 1, Max: lattices.NewMax(int64(11))})
		n.Tick()
		lookups.Push(Lookup{Key: 7}, Lookup{Key: 1}, Lookup{Key: 2}, Lookup{Key: 9})
		n.Tick()
		got := map[uint32]int64{}
		for _, p := range answers.Take() {
			got[p.Key], _ = p.Max.Value()
		}
		assert.Equal(t, map[uint32]int64{7: 70, 1: 11, 2: 20}, got, "interpreted=%v", interpreted)
		n.Close()
	}
}
