package lattices_test

import (
	"strconv"
	"testing"

	"github.com/hydrogo/hydro/lattices"
)

func BenchmarkMerge(b *testing.B) {
	b.Run("Max", func(b *testing.B) {
		var m lattices.Max[int]
		for i := 0; b.Loop(); i++ {
			m.Merge(lattices.NewMax(i))
		}
	})
	b.Run("PairOfMax", func(b *testing.B) {
		var p maxPair
		for i := 0; b.Loop(); i++ {
			p.Merge(lattices.NewPair(lattices.NewMax(i), lattices.NewMax(-i)))
		}
	})
	b.Run("DomPair", func(b *testing.B) {
		var d maxDom
		for i := 0; b.Loop(); i++ {
			d.Merge(lattices.NewDomPair(lattices.NewMax(i/2), lattices.NewMax(i)))
		}
	})
	b.Run("LWW", func(b *testing.B) {
		var r lattices.LWW[string]
		for i := 0; b.Loop(); i++ {
			r.Set(uint64(i), "v")
		}
	})
	b.Run("SetUnion/present", func(b *testing.B) {
		s := lattices.NewSetUnion(0, 1, 2, 3, 4, 5, 6, 7)
		o := lattices.NewSetUnion(1, 3, 5, 7)
		for b.Loop() {
			s.Merge(o)
		}
	})
	b.Run("MapUnion/present", func(b *testing.B) {
		var m, o maxMap
		for i := range 8 {
			m.MergeKey(strconv.Itoa(i), lattices.NewMax(i))
			o.MergeKey(strconv.Itoa(i), lattices.NewMax(8-i))
		}
		for b.Loop() {
			m.Merge(o)
		}
	})
	b.Run("GCounter/Inc", func(b *testing.B) {
		var c lattices.GCounter[int]
		for i := 0; b.Loop(); i++ {
			c.Inc(i&7, 1)
		}
	})
	b.Run("VecUnion", func(b *testing.B) {
		v := lattices.NewVecUnion(lattices.NewMax(0), lattices.NewMax(1), lattices.NewMax(2), lattices.NewMax(3))
		o := lattices.NewVecUnion(lattices.NewMax(3), lattices.NewMax(2), lattices.NewMax(1), lattices.NewMax(0))
		for b.Loop() {
			v.Merge(o)
		}
	})
	b.Run("BoundedPrefix/extend", func(b *testing.B) {
		seq := make([]int, 64)
		prefixes := make([]lattices.BoundedPrefix[int], len(seq)+1)
		for i := range prefixes {
			prefixes[i] = lattices.NewBoundedPrefix(seq[:i], len(seq))
		}
		for b.Loop() {
			var acc lattices.BoundedPrefix[int]
			for _, p := range prefixes {
				acc.Merge(p)
			}
		}
	})
	b.Run("SSIV/items", func(b *testing.B) {
		const n = 64
		items := make([]lattices.SSIV[int], n)
		for i := range items {
			items[i] = item(i, i, n)
		}
		for b.Loop() {
			var acc lattices.SSIV[int]
			for _, it := range items {
				acc.Merge(it)
			}
		}
	})
}
