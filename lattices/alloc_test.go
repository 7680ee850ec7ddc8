package lattices_test

import (
	"testing"

	"github.com/hydrogo/hydro/lattices"
)

type maxPair = lattices.Pair[lattices.Max[int], lattices.Max[int], *lattices.Max[int], *lattices.Max[int]]
type maxDom = lattices.DomPair[lattices.Max[int], lattices.Max[int], *lattices.Max[int], *lattices.Max[int]]

// TestMergeAllocs checks that merges which need no new storage allocate
// nothing.
func TestMergeAllocs(t *testing.T) {
	keys := map[string]lattices.Max[int]{"a": lattices.NewMax(1), "b": lattices.NewMax(2), "c": lattices.NewMax(3)}
	for _, tc := range []struct {
		name string
		f    func() func()
	}{
		{"Max", func() func() {
			var m lattices.Max[int]
			return func() {
				m = lattices.NewMax(1)
				m.Merge(lattices.NewMax(2))
				m.Merge(lattices.NewMax(0))
			}
		}},
		{"Min", func() func() {
			var m lattices.Min[int]
			return func() {
				m = lattices.NewMin(1)
				m.Merge(lattices.NewMin(0))
				m.Merge(lattices.NewMin(2))
			}
		}},
		{"PairOfMax", func() func() {
			var p maxPair
			q := lattices.NewPair(lattices.NewMax(2), lattices.NewMax(3))
			return func() {
				p = lattices.NewPair(lattices.NewMax(1), lattices.NewMax(4))
				p.Merge(q)
			}
		}},
		{"DomPair", func() func() {
			var d maxDom
			greater := lattices.NewDomPair(lattices.NewMax(2), lattices.NewMax(0))
			equal := lattices.NewDomPair(lattices.NewMax(2), lattices.NewMax(5))
			smaller := lattices.NewDomPair(lattices.NewMax(1), lattices.NewMax(9))
			return func() {
				d = lattices.NewDomPair(lattices.NewMax(1), lattices.NewMax(1))
				d.Merge(greater)
				d.Merge(equal)
				d.Merge(smaller)
			}
		}},
		{"WithBot", func() func() {
			var w maxWithBot
			o := lattices.NewWithBot(lattices.NewMax(3))
			return func() {
				w = maxWithBot{}
				w.Merge(o)
				w.Merge(o)
			}
		}},
		{"WithTop", func() func() {
			var w maxWithTop
			top := lattices.NewTop[lattices.Max[int]]()
			return func() {
				w = lattices.NewWithTop(lattices.NewMax(1))
				w.Merge(lattices.NewWithTop(lattices.NewMax(2)))
				w.Merge(top)
			}
		}},
		{"Conflict", func() func() {
			var c lattices.Conflict[string]
			return func() {
				c = lattices.Conflict[string]{}
				c.Merge(lattices.NewConflict("a"))
				c.Merge(lattices.NewConflict("b"))
			}
		}},
		{"LWW", func() func() {
			var r lattices.LWW[string]
			return func() {
				r = lattices.LWW[string]{}
				r.Set(1, "a")
				r.Set(2, "b")
				r.Set(2, "c")
				r.Set(1, "d")
			}
		}},
		{"SetUnionPresent", func() func() {
			s := lattices.NewSetUnion(1, 2, 3, 4)
			o := lattices.NewSetUnion(2, 4)
			return func() { s.Merge(o) }
		}},
		{"MapUnionPresent", func() func() {
			m := lattices.NewMapUnion[string, lattices.Max[int], *lattices.Max[int]](keys)
			o := lattices.NewMapUnion[string, lattices.Max[int], *lattices.Max[int]](keys)
			return func() {
				m.Merge(o)
				m.MergeKey("a", lattices.NewMax(7))
			}
		}},
		{"GCounterPresent", func() func() {
			var c, o lattices.GCounter[string]
			c.Inc("a", 1)
			o.Inc("a", 2)
			o.Inc("b", 1)
			c.Merge(o)
			return func() {
				c.Inc("a", 1)
				c.Merge(o)
			}
		}},
		{"VecUnionSameLength", func() func() {
			v := lattices.NewVecUnion(lattices.NewMax(1), lattices.NewMax(2))
			o := lattices.NewVecUnion(lattices.NewMax(2), lattices.NewMax(1))
			return func() { v.Merge(o) }
		}},
		{"BoundedPrefixShorter", func() func() {
			b := lattices.NewBoundedPrefix([]int{1, 2, 3}, 4)
			o := lattices.NewBoundedPrefix([]int{1, 2}, 4)
			return func() { b.Merge(o) }
		}},
		{"SSIVPresent", func() func() {
			s := lattices.NewSSIV([]int{1, 2, 3})
			o := item(1, 2, 3)
			return func() { s.Merge(o) }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if n := testing.AllocsPerRun(100, tc.f()); n != 0 {
				t.Errorf("Merge allocates %v times per run, want 0", n)
			}
		})
	}
}
