package shopping

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/lattices"
	"github.com/hydrogo/hydro/netio/codectest"
)

// Fuzz targets for the generated decoders of the items the networked
// figures send. Whatever the input, a decoder must not panic, must decode
// over a value in use as it does over a zero value, must decode what it
// accepted re-encoded to the same value, and must allocate in proportion to
// the input.

// cartBytesPerByte bounds what decoding a Cart allocates per input byte: a
// LineItem takes unsafe.Sizeof(LineItem{}) bytes in its slice and encodes in
// at least 4 bytes; its item's bytes allocate about as many, rounded up to
// the allocator's size classes.
const cartBytesPerByte = 2*unsafe.Sizeof(LineItem{})/4 + 2

// sessionBytesPerByte bounds what decoding a Session allocates per input
// byte: an SSIV item encodes in at least 5 bytes (position, and a LineItem's
// string length, quantity and flag) and takes a slice element plus its
// string; the slice's growth doubles that at worst. The lattice decoders presize their
// storage by at most a fixed number of elements, so a count the input cannot
// hold costs little.
const sessionBytesPerByte = 24

// mapBase bounds what an SSIV's storage costs before its first entries
// (the slice's first presized elements; the bound dates from a map).
const mapBase = 512

func FuzzDecodeCart(f *testing.F) {
	for seed := range uint64(4) {
		for _, c := range NewWorkload(seed, 3, 6).ExpectedCarts() {
			enc := appendHydroCart(nil, &c)
			f.Add(enc)
			f.Add(enc[:len(enc)-1])
		}
	}
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Cart
		n, err := codectest.DecodeWithin(t, len(data), cartBytesPerByte*uintptr(len(data)), func() (int, error) {
			return decodeHydroCart(data, &c)
		})
		if err != nil {
			require.Zero(t, n)
			return
		}
		require.LessOrEqual(t, n, len(data))
		stale := Cart{Client: 9, Class: Premium, Items: []LineItem{{Item: "stale", Qty: 3, Checkout: true}}}
		_, err = decodeHydroCart(data, &stale)
		require.NoError(t, err)
		require.Equal(t, c, stale, "decoding over a value in use")
		// Varints may be written longer than needed, so the input need not
		// be the re-encoding; the re-encoding decodes to the same value.
		enc := appendHydroCart(nil, &c)
		var again Cart
		m, err := decodeHydroCart(enc, &again)
		require.NoError(t, err)
		require.Equal(t, len(enc), m)
		require.Equal(t, c, again)
	})
}

func FuzzDecodeSession(f *testing.F) {
	for seed := range uint64(4) {
		w := NewWorkload(seed, 3, 6)
		for _, batch := range SessionRequests(w.Interleave(seed, 3)) {
			for _, s := range batch {
				f.Add(appendHydroSession(nil, &s))
			}
		}
		for _, c := range w.ExpectedCarts() {
			s := Session{Client: c.Client, Items: lattices.NewSSIV(c.Items)}
			enc := appendHydroSession(nil, &s)
			f.Add(enc)
			f.Add(enc[:len(enc)-1])
		}
	}
	var conflict Session
	conflict.Items.Seal(2)
	conflict.Items.Seal(3)
	f.Add(appendHydroSession(nil, &conflict))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Session
		n, err := codectest.DecodeWithin(t, len(data), sessionBytesPerByte*uintptr(len(data))+mapBase, func() (int, error) {
			return decodeHydroSession(data, &s)
		})
		if err != nil {
			require.Zero(t, n)
			return
		}
		require.LessOrEqual(t, n, len(data))
		stale := Session{Client: 9, Items: lattices.NewSSIV([]LineItem{{Item: "stale", Qty: 3}})}
		_, err = decodeHydroSession(data, &stale)
		require.NoError(t, err)
		require.Equal(t, s, stale, "decoding over a value in use")
		// Items are encoded in map order, so equal sessions may encode
		// differently; the re-encoding decodes to the same value.
		enc := appendHydroSession(nil, &s)
		var again Session
		m, err := decodeHydroSession(enc, &again)
		require.NoError(t, err)
		require.Equal(t, len(enc), m)
		require.Equal(t, s, again)
	})
}
