package shopping

import (
	"testing"

	"github.com/hydrogo/hydro/lattices"
)

// BenchmarkSessionCodec encodes and decodes a one-item session request and a
// sealed five-item session with the generated codec: the frames Figures 6-8
// carry most.
func BenchmarkSessionCodec(b *testing.B) {
	var one lattices.SSIV[LineItem]
	one.Add(0, LineItem{Item: "apple", Qty: 2})
	five := lattices.NewSSIV([]LineItem{{Item: "apple", Qty: 2}, {Item: "pear", Qty: 1}, {Item: "fig", Qty: 3}, {Item: "apple", Qty: -1}, {Checkout: true}})
	for _, c := range []struct {
		name string
		s    Session
	}{{"one", Session{Client: 7, Items: one}}, {"five", Session{Client: 7, Items: five}}} {
		buf := appendHydroSession(nil, &c.s)
		b.Run("encode/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			var dst []byte
			for b.Loop() {
				dst = appendHydroSession(dst[:0], &c.s)
			}
		})
		b.Run("decode/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			var s Session
			for b.Loop() {
				if _, err := decodeHydroSession(buf, &s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
