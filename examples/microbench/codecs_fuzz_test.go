package microbench

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/netio/codectest"
)

// Fuzz targets for the generated decoders of Order and Basket. Whatever the
// input, a decoder must not panic, must agree with the hand-written one on
// what it accepts and what that decodes to, must decode what it accepted
// re-encoded to the same value, and must allocate in proportion to the
// input (nothing at all for the pointer-free Order).

// basketBytesPerByte bounds what decoding a Basket allocates per input
// byte: a Line takes unsafe.Sizeof(Line{}) bytes in its slice and encodes
// in at least minLineSize bytes; its item's bytes allocate about as many,
// rounded up to the allocator's size classes.
const basketBytesPerByte = 2*unsafe.Sizeof(Line{})/minLineSize + 2

func FuzzDecodeOrder(f *testing.F) {
	for _, o := range sampleOrders() {
		enc := o.Append(nil)
		f.Add(enc)
		f.Add(enc[:len(enc)-1])
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var o Order
		n, err := codectest.DecodeWithin(t, len(data), 0, func() (int, error) { return o.Decode(data) })
		var hand Order
		hn, herr := decodeOrder(data, &hand)
		require.Equal(t, err == nil, herr == nil, "generated: %v, hand-written: %v", err, herr)
		if err != nil {
			require.Zero(t, n)
			return
		}
		require.Equal(t, orderSize, n)
		require.Equal(t, hn, n)
		// Every encoding of an Order is canonical: the input is the
		// re-encoding. (Compared encoded: a NaN is not equal to itself.)
		require.Equal(t, data[:n], o.Append(nil))
		require.Equal(t, data[:n], appendOrder(nil, &hand))
	})
}

func FuzzDecodeBasket(f *testing.F) {
	for _, k := range sampleBaskets() {
		enc := k.Append(nil)
		f.Add(enc)
		f.Add(enc[:len(enc)/2])
	}
	f.Add([]byte{})
	f.Add([]byte{0, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, data []byte) {
		// Decode over a value in use: the decoder overwrites all of it.
		k := Basket{Owner: "stale", Lines: []Line{{Item: "stale", Qty: 9, Gift: true}}}
		n, err := codectest.DecodeWithin(t, len(data), basketBytesPerByte*uintptr(len(data)), func() (int, error) { return k.Decode(data) })
		var hand Basket
		hn, herr := decodeBasket(data, &hand)
		require.Equal(t, err == nil, herr == nil, "generated: %v, hand-written: %v", err, herr)
		if err != nil {
			require.Zero(t, n)
			return
		}
		require.Equal(t, hn, n)
		require.Equal(t, hand, k)
		// Varints may be written longer than needed, so the input need not
		// be the re-encoding; the re-encoding decodes to the same value.
		enc := k.Append(nil)
		var again Basket
		m, err := again.Decode(enc)
		require.NoError(t, err)
		require.Equal(t, len(enc), m)
		require.Equal(t, k, again)
		require.Equal(t, enc, appendBasket(nil, &hand))
	})
}
