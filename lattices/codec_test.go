package lattices_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hydrogo/hydro/lattices"
	"github.com/hydrogo/hydro/netio"
)

// Codecs of the element types, as hydrogen generates them.

func appendInt(dst []byte, v *int) []byte { return netio.AppendInt(dst, *v) }

func decodeInt(src []byte, v *int) (int, error) {
	x, n, err := netio.DecodeInt(src)
	*v = x
	return n, err
}

func appendString(dst []byte, v *string) []byte { return netio.AppendString(dst, *v) }

func decodeString(src []byte, v *string) (int, error) {
	x, n, err := netio.DecodeString(src)
	*v = x
	return n, err
}

func appendFloat(dst []byte, v *float64) []byte { return netio.AppendFloat64(dst, *v) }

func decodeFloat(src []byte, v *float64) (int, error) {
	x, n, err := netio.DecodeFloat64(src)
	*v = x
	return n, err
}

func appendMax(dst []byte, v *maxInt) []byte                 { return v.AppendWith(dst, appendInt) }
func decodeMax(src []byte, v *maxInt) (int, error)           { return v.DecodeWith(src, decodeInt) }
func appendSet(dst []byte, v *setInt) []byte                 { return v.AppendWith(dst, appendInt) }
func decodeSet(src []byte, v *setInt) (int, error)           { return v.DecodeWith(src, decodeInt) }
func appendConflict(dst []byte, v *conflictInt) []byte       { return v.AppendWith(dst, appendInt) }
func decodeConflict(src []byte, v *conflictInt) (int, error) { return v.DecodeWith(src, decodeInt) }

// codec is the binary codec of one lattice type, with a generator of its
// values.
type codec struct {
	name string
	// check runs the round-trip checks over generated values.
	check func(t *testing.T)
	// decode decodes src into a fresh value and, if that succeeds, checks
	// that the value survives a second round trip. It must not panic.
	decode func(t *testing.T, src []byte) error
	// sample returns the encoding of a generated value.
	sample func(r *rand.Rand) []byte
}

// newCodec describes the codec app/dec of the lattice L.
func newCodec[L any, PL lattices.Lattice[L]](name string, gen func(*rand.Rand) L, app func([]byte, *L) []byte, dec func([]byte, *L) (int, error)) codec {
	return codec{
		name: name,
		check: func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			for i := range 300 {
				v := gen(r)
				b := app(nil, &v)
				var got L
				n, err := dec(b, &got)
				if err != nil || n != len(b) {
					t.Fatalf("case %d: decode(%x) of %v = %d, %v; want %d, nil", i, b, v, n, err, len(b))
				}
				if !equal[L, PL](got, v) {
					t.Fatalf("case %d: decode(append(%v)) = %v", i, v, got)
				}
				// Decoding overwrites whatever the destination held.
				dirty := gen(r)
				if n, err := dec(b, &dirty); err != nil || n != len(b) || !equal[L, PL](dirty, v) {
					t.Fatalf("case %d: decoding %v over another value gives %v, %d, %v", i, v, dirty, n, err)
				}
				// Trailing bytes are left alone.
				if n, err := dec(append(b, 0xff, 0), &got); err != nil || n != len(b) {
					t.Fatalf("case %d: decode with trailing bytes = %d, %v; want %d, nil", i, n, err, len(b))
				}
				// Every proper prefix is an error.
				for k := range len(b) {
					if n, err := dec(b[:k:k], &got); err == nil {
						t.Fatalf("case %d: decode(%x), a prefix of %x, = %d, nil; want an error", i, b[:k], b, n)
					}
				}
			}
		},
		decode: func(t *testing.T, src []byte) error {
			var v L
			n, err := dec(src, &v)
			if err != nil {
				return err
			}
			if n < 0 || n > len(src) {
				t.Fatalf("decode(%x) = %d bytes", src, n)
			}
			b := app(nil, &v)
			var w L
			if m, err := dec(b, &w); err != nil || m != len(b) || !equal[L, PL](w, v) {
				t.Fatalf("decode(%x) = %v, which encodes as %x and decodes as %v, %d, %v", src[:n], v, b, w, m, err)
			}
			return nil
		},
		sample: func(r *rand.Rand) []byte {
			v := gen(r)
			return app(nil, &v)
		},
	}
}

// equal reports whether a and b are the same element of L.
func equal[L any, PL lattices.Lattice[L]](a, b L) bool {
	return PL(&a).LessEq(b) && PL(&b).LessEq(a)
}

var codecs = []codec{
	newCodec("Max", genMax, appendMax, decodeMax),
	newCodec("Min", genMin,
		func(dst []byte, v *lattices.Min[int]) []byte { return v.AppendWith(dst, appendInt) },
		func(src []byte, v *lattices.Min[int]) (int, error) { return v.DecodeWith(src, decodeInt) }),
	newCodec("MaxFloat", genMaxFloat,
		func(dst []byte, v *lattices.Max[float64]) []byte { return v.AppendWith(dst, appendFloat) },
		func(src []byte, v *lattices.Max[float64]) (int, error) { return v.DecodeWith(src, decodeFloat) }),
	newCodec("MinFloat", genMinFloat,
		func(dst []byte, v *lattices.Min[float64]) []byte { return v.AppendWith(dst, appendFloat) },
		func(src []byte, v *lattices.Min[float64]) (int, error) { return v.DecodeWith(src, decodeFloat) }),
	newCodec("MaxString", genMaxString,
		func(dst []byte, v *lattices.Max[string]) []byte { return v.AppendWith(dst, appendString) },
		func(src []byte, v *lattices.Max[string]) (int, error) { return v.DecodeWith(src, decodeString) }),
	newCodec("SetUnion", genSet, appendSet, decodeSet),
	newCodec("MapUnionMax", genMapMax,
		func(dst []byte, v *lattices.MapUnion[string, maxInt, *maxInt]) []byte {
			return v.AppendWith(dst, appendString, appendMax)
		},
		func(src []byte, v *lattices.MapUnion[string, maxInt, *maxInt]) (int, error) {
			return v.DecodeWith(src, decodeString, decodeMax)
		}),
	newCodec("MapUnionSet", genMapSet,
		func(dst []byte, v *lattices.MapUnion[int, setInt, *setInt]) []byte {
			return v.AppendWith(dst, appendInt, appendSet)
		},
		func(src []byte, v *lattices.MapUnion[int, setInt, *setInt]) (int, error) {
			return v.DecodeWith(src, decodeInt, decodeSet)
		}),
	newCodec("WithBotMax", genWithBotMax,
		func(dst []byte, v *lattices.WithBot[maxInt, *maxInt]) []byte { return v.AppendWith(dst, appendMax) },
		func(src []byte, v *lattices.WithBot[maxInt, *maxInt]) (int, error) {
			return v.DecodeWith(src, decodeMax)
		}),
	newCodec("WithBotSet", genWithBotSet,
		func(dst []byte, v *lattices.WithBot[setInt, *setInt]) []byte { return v.AppendWith(dst, appendSet) },
		func(src []byte, v *lattices.WithBot[setInt, *setInt]) (int, error) {
			return v.DecodeWith(src, decodeSet)
		}),
	newCodec("WithBotConflict", genWithBotConflict,
		func(dst []byte, v *lattices.WithBot[conflictInt, *conflictInt]) []byte {
			return v.AppendWith(dst, appendConflict)
		},
		func(src []byte, v *lattices.WithBot[conflictInt, *conflictInt]) (int, error) {
			return v.DecodeWith(src, decodeConflict)
		}),
	newCodec("WithTopMax", genWithTopMax,
		func(dst []byte, v *lattices.WithTop[maxInt, *maxInt]) []byte { return v.AppendWith(dst, appendMax) },
		func(src []byte, v *lattices.WithTop[maxInt, *maxInt]) (int, error) {
			return v.DecodeWith(src, decodeMax)
		}),
	newCodec("WithTopSet", genWithTopSet,
		func(dst []byte, v *lattices.WithTop[setInt, *setInt]) []byte { return v.AppendWith(dst, appendSet) },
		func(src []byte, v *lattices.WithTop[setInt, *setInt]) (int, error) {
			return v.DecodeWith(src, decodeSet)
		}),
	newCodec("Conflict", genConflict, appendConflict, decodeConflict),
	newCodec("VecUnionMax", genVecMax,
		func(dst []byte, v *lattices.VecUnion[maxInt, *maxInt]) []byte { return v.AppendWith(dst, appendMax) },
		func(src []byte, v *lattices.VecUnion[maxInt, *maxInt]) (int, error) {
			return v.DecodeWith(src, decodeMax)
		}),
	newCodec("VecUnionSet", genVecSet,
		func(dst []byte, v *lattices.VecUnion[setInt, *setInt]) []byte { return v.AppendWith(dst, appendSet) },
		func(src []byte, v *lattices.VecUnion[setInt, *setInt]) (int, error) {
			return v.DecodeWith(src, decodeSet)
		}),
	newCodec("GCounter", genGCounter,
		func(dst []byte, v *lattices.GCounter[string]) []byte { return v.AppendWith(dst, appendString) },
		func(src []byte, v *lattices.GCounter[string]) (int, error) { return v.DecodeWith(src, decodeString) }),
	newCodec("LWW", genLWW,
		func(dst []byte, v *lattices.LWW[string]) []byte { return v.AppendWith(dst, appendString) },
		func(src []byte, v *lattices.LWW[string]) (int, error) { return v.DecodeWith(src, decodeString) }),
	newCodec("BoundedPrefix", genBoundedPrefix,
		func(dst []byte, v *lattices.BoundedPrefix[int]) []byte { return v.AppendWith(dst, appendInt) },
		func(src []byte, v *lattices.BoundedPrefix[int]) (int, error) { return v.DecodeWith(src, decodeInt) }),
	newCodec("SSIV", genSSIV,
		func(dst []byte, v *lattices.SSIV[int]) []byte { return v.AppendWith(dst, appendInt) },
		func(src []byte, v *lattices.SSIV[int]) (int, error) { return v.DecodeWith(src, decodeInt) }),
}

func TestCodecRoundTrip(t *testing.T) {
	for _, c := range codecs {
		t.Run(c.name, c.check)
	}
}

// TestCodecBytes pins the encodings documented in docs/lattices.md.
func TestCodecBytes(t *testing.T) {
	sealed := lattices.NewSSIV([]int{5, 6})
	var open lattices.SSIV[int]
	open.Add(3, -1)
	var conflicted lattices.SSIV[int]
	conflicted.Add(-1, 0)
	var lwwConflict lattices.LWW[string]
	lwwConflict.Set(1, "a")
	lwwConflict.Set(1, "b")
	var counter lattices.GCounter[string]
	counter.Inc("a", 300)
	for _, tc := range []struct {
		name string
		got  []byte
		want [][]byte // Any of these: maps encode in iteration order.
	}{
		{"Max bottom", appendMax(nil, &maxInt{}), [][]byte{{0}}},
		{"Max 3", appendMax(nil, ptr(lattices.NewMax(3))), [][]byte{{1, 6}}},
		{"Conflict bottom", appendConflict(nil, &conflictInt{}), [][]byte{{0}}},
		{"Conflict 3", appendConflict(nil, ptr(lattices.NewConflict(3))), [][]byte{{1, 6}}},
		{"Conflict top", appendConflict(nil, ptr(genConflictTop())), [][]byte{{2}}},
		{"SetUnion {2}", appendSet(nil, ptr(lattices.NewSetUnion(2))), [][]byte{{1, 4}}},
		{"SSIV sealed", sealed.AppendWith(nil, appendInt), [][]byte{{1, 2, 2, 0, 10, 1, 12}, {1, 2, 2, 1, 12, 0, 10}}},
		{"SSIV open", open.AppendWith(nil, appendInt), [][]byte{{0, 1, 3, 1}}},
		{"SSIV conflict", conflicted.AppendWith(nil, appendInt), [][]byte{{2}}},
		{"BoundedPrefix", ptr(lattices.NewBoundedPrefix([]int{1}, 2)).AppendWith(nil, appendInt), [][]byte{{1, 2, 1, 2}}},
		{"BoundedPrefix bottom", (&lattices.BoundedPrefix[int]{}).AppendWith(nil, appendInt), [][]byte{{0}}},
		{"LWW", ptr(lattices.NewLWW(258, "a")).AppendWith(nil, appendString), [][]byte{{1, 2, 1, 0, 0, 0, 0, 0, 0, 1, 'a'}}},
		{"LWW conflict", lwwConflict.AppendWith(nil, appendString), [][]byte{{2, 1, 0, 0, 0, 0, 0, 0, 0}}},
		{"LWW bottom", (&lattices.LWW[string]{}).AppendWith(nil, appendString), [][]byte{{0}}},
		{"GCounter", counter.AppendWith(nil, appendString), [][]byte{{1, 1, 'a', 0xac, 0x02}}},
		{"VecUnion", ptr(lattices.NewVecUnion(maxInt{}, lattices.NewMax(1))).AppendWith(nil, appendMax), [][]byte{{2, 0, 1, 2}}},
		{"WithBot bottom", (&lattices.WithBot[maxInt, *maxInt]{}).AppendWith(nil, appendMax), [][]byte{{0}}},
		{"WithBot of bottom", ptr(lattices.NewWithBot[maxInt, *maxInt](maxInt{})).AppendWith(nil, appendMax), [][]byte{{1, 0}}},
		{"WithTop top", ptr(lattices.NewTop[maxInt, *maxInt]()).AppendWith(nil, appendMax), [][]byte{{1}}},
		{"WithTop value", ptr(lattices.NewWithTop[maxInt, *maxInt](lattices.NewMax(1))).AppendWith(nil, appendMax), [][]byte{{0, 1, 2}}},
	} {
		if !slices.ContainsFunc(tc.want, func(w []byte) bool { return bytes.Equal(tc.got, w) }) {
			t.Errorf("%s: got %x, want one of %x", tc.name, tc.got, tc.want)
		}
	}
}

func genConflictTop() conflictInt {
	c := lattices.NewConflict(1)
	c.Merge(lattices.NewConflict(2))
	return c
}

func ptr[T any](v T) *T { return &v }

// TestCodecInvalid checks that input describing no valid value is rejected
// with the right error.
func TestCodecInvalid(t *testing.T) {
	ssiv := func(src []byte) error {
		var s lattices.SSIV[int]
		_, err := s.DecodeWith(src, decodeInt)
		return err
	}
	prefix := func(src []byte) error {
		var b lattices.BoundedPrefix[int]
		_, err := b.DecodeWith(src, decodeInt)
		return err
	}
	counter := func(src []byte) error {
		var c lattices.GCounter[string]
		_, err := c.DecodeWith(src, decodeString)
		return err
	}
	mapMax := func(src []byte) error {
		var m lattices.MapUnion[string, maxInt, *maxInt]
		_, err := m.DecodeWith(src, decodeString, decodeMax)
		return err
	}
	lww := func(src []byte) error {
		var r lattices.LWW[string]
		_, err := r.DecodeWith(src, decodeString)
		return err
	}
	withTop := func(src []byte) error {
		var w lattices.WithTop[maxInt, *maxInt]
		_, err := w.DecodeWith(src, decodeMax)
		return err
	}
	for _, tc := range []struct {
		name   string
		decode func([]byte) error
		src    []byte
		want   error
	}{
		{"Max empty", func(b []byte) error { _, err := decodeMax(b, new(maxInt)); return err }, nil, netio.ErrShort},
		{"Max state", func(b []byte) error { _, err := decodeMax(b, new(maxInt)); return err }, []byte{2}, lattices.ErrInvalid},
		{"Max value short", func(b []byte) error { _, err := decodeMax(b, new(maxInt)); return err }, []byte{1}, netio.ErrShort},
		{"Conflict state", func(b []byte) error { _, err := decodeConflict(b, new(conflictInt)); return err }, []byte{3}, lattices.ErrInvalid},
		{"SetUnion repeated", func(b []byte) error { _, err := decodeSet(b, new(setInt)); return err }, []byte{2, 2, 2}, lattices.ErrInvalid},
		{"SetUnion count", func(b []byte) error { _, err := decodeSet(b, new(setInt)); return err }, []byte{0xff, 0xff, 0xff, 0xff, 0x0f, 2}, netio.ErrLength},
		{"MapUnion bottom value", mapMax, []byte{1, 1, 'a', 0}, lattices.ErrInvalid},
		{"MapUnion repeated key", mapMax, []byte{2, 1, 'a', 1, 2, 1, 'a', 1, 4}, lattices.ErrInvalid},
		{"GCounter zero", counter, []byte{1, 1, 'a', 0}, lattices.ErrInvalid},
		{"GCounter repeated node", counter, []byte{2, 1, 'a', 1, 1, 'a', 2}, lattices.ErrInvalid},
		{"SSIV state", ssiv, []byte{3}, lattices.ErrInvalid},
		{"SSIV beyond seal", ssiv, []byte{1, 1, 1, 1, 2}, lattices.ErrInvalid},
		{"SSIV repeated position", ssiv, []byte{0, 2, 0, 2, 0, 2}, lattices.ErrInvalid},
		{"SSIV too many items", ssiv, []byte{1, 1, 2, 0, 2, 1, 2}, lattices.ErrInvalid},
		{"SSIV huge seal", ssiv, []byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0}, netio.ErrOverflow},
		{"BoundedPrefix too long", prefix, []byte{1, 1, 2, 2, 4}, lattices.ErrInvalid},
		{"BoundedPrefix state", prefix, []byte{3}, lattices.ErrInvalid},
		{"LWW state", lww, []byte{3}, lattices.ErrInvalid},
		{"LWW short timestamp", lww, []byte{1, 0, 0}, netio.ErrShort},
		{"WithTop state", withTop, []byte{2}, lattices.ErrInvalid},
	} {
		if err := tc.decode(tc.src); !errors.Is(err, tc.want) {
			t.Errorf("%s: decode(%x) = %v, want %v", tc.name, tc.src, err, tc.want)
		}
	}
}

// FuzzDecodeWith decodes arbitrary input as each lattice type: decoding never
// panics, and what decodes survives another round trip unchanged.
func FuzzDecodeWith(f *testing.F) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range codecs {
		for range 4 {
			f.Add(c.sample(r))
		}
	}
	for _, seed := range [][]byte{
		{1, 2, 2, 0, 10, 1, 12}, {0, 2, 0, 2, 3, 4}, {2}, {1, 2, 1, 0, 0, 0, 0, 0, 0, 1, 'a'},
		{2, 1, 'a', 1, 2, 1, 'b', 0}, {1, 1, 2, 2, 4}, {0xff, 0xff, 0xff, 0xff, 0x0f},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, c := range codecs {
			_ = c.decode(t, src)
		}
	})
}
