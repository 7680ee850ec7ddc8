package netio

import (
	"bytes"
	"math"
	"testing"
)

func TestCodecEncodings(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want []byte
	}{
		{"bool true", AppendBool(nil, true), []byte{1}},
		{"bool false", AppendBool(nil, false), []byte{0}},
		{"uint8", AppendUint8(nil, 0xAB), []byte{0xAB}},
		{"int8", AppendInt8(nil, -1), []byte{0xFF}},
		{"uint16", AppendUint16(nil, 0x0102), []byte{2, 1}},
		{"int16", AppendInt16(nil, -2), []byte{0xFE, 0xFF}},
		{"uint32", AppendUint32(nil, 0x01020304), []byte{4, 3, 2, 1}},
		{"int32", AppendInt32(nil, math.MinInt32), []byte{0, 0, 0, 0x80}},
		{"uint64", AppendUint64(nil, 0x0102030405060708), []byte{8, 7, 6, 5, 4, 3, 2, 1}},
		{"int64", AppendInt64(nil, -1), bytes.Repeat([]byte{0xFF}, 8)},
		{"float32", AppendFloat32(nil, 1), []byte{0, 0, 0x80, 0x3F}},
		{"float64", AppendFloat64(nil, 1), []byte{0, 0, 0, 0, 0, 0, 0xF0, 0x3F}},
		{"uvarint", AppendUvarint(nil, 300), []byte{0xAC, 0x02}},
		{"varint", AppendVarint(nil, -3), []byte{5}},
		{"uint", AppendUint(nil, 1), []byte{1}},
		{"int", AppendInt(nil, -1), []byte{1}},
		{"string", AppendString(nil, "hi"), []byte{2, 'h', 'i'}},
		{"empty string", AppendString(nil, ""), []byte{0}},
		{"bytes", AppendBytes(nil, []byte{9, 8}), []byte{2, 9, 8}},
		{"len", AppendLen(nil, 128), []byte{0x80, 0x01}},
	}
	for _, tt := range tests {
		if !bytes.Equal(tt.got, tt.want) {
			t.Errorf("%s: % x, want % x", tt.name, tt.got, tt.want)
		}
	}
}

// roundTrip checks that decoding enc yields want and consumes enc exactly,
// and that every proper prefix of enc fails with ErrShort, or with ErrLength
// once a length prefix is complete.
func roundTrip[T comparable](t *testing.T, name string, enc []byte, want T, decode func([]byte) (T, int, error)) {
	t.Helper()
	src := append(append([]byte(nil), enc...), 0xEE) // trailing byte is not consumed
	got, n, err := decode(src)
	if err != nil || got != want || n != len(enc) {
		t.Errorf("%s: decode(% x) = %v, %d, %v; want %v, %d, nil", name, enc, got, n, err, want, len(enc))
	}
	for i := range enc {
		if _, n, err := decode(enc[:i]); (err != ErrShort && err != ErrLength) || n != 0 {
			t.Errorf("%s: decode of %d-byte prefix: n %d, err %v; want 0, ErrShort or ErrLength", name, i, n, err)
		}
	}
}

func TestCodecRoundTrip(t *testing.T) {
	for _, v := range []bool{false, true} {
		roundTrip(t, "bool", AppendBool(nil, v), v, DecodeBool)
	}
	for _, v := range []uint8{0, 1, 0xFF} {
		roundTrip(t, "uint8", AppendUint8(nil, v), v, DecodeUint8)
	}
	for _, v := range []int8{math.MinInt8, -1, 0, math.MaxInt8} {
		roundTrip(t, "int8", AppendInt8(nil, v), v, DecodeInt8)
	}
	for _, v := range []uint16{0, 1, math.MaxUint16} {
		roundTrip(t, "uint16", AppendUint16(nil, v), v, DecodeUint16)
	}
	for _, v := range []int16{math.MinInt16, -1, 0, math.MaxInt16} {
		roundTrip(t, "int16", AppendInt16(nil, v), v, DecodeInt16)
	}
	for _, v := range []uint32{0, 1, math.MaxUint32} {
		roundTrip(t, "uint32", AppendUint32(nil, v), v, DecodeUint32)
	}
	for _, v := range []int32{math.MinInt32, -1, 0, math.MaxInt32} {
		roundTrip(t, "int32", AppendInt32(nil, v), v, DecodeInt32)
	}
	for _, v := range []uint64{0, 1, math.MaxUint64} {
		roundTrip(t, "uint64", AppendUint64(nil, v), v, DecodeUint64)
		roundTrip(t, "uvarint", AppendUvarint(nil, v), v, DecodeUvarint)
	}
	for _, v := range []int64{math.MinInt64, -1, 0, math.MaxInt64} {
		roundTrip(t, "int64", AppendInt64(nil, v), v, DecodeInt64)
		roundTrip(t, "varint", AppendVarint(nil, v), v, DecodeVarint)
	}
	for _, v := range []uint{0, 127, 128, math.MaxUint} {
		roundTrip(t, "uint", AppendUint(nil, v), v, DecodeUint)
	}
	for _, v := range []int{math.MinInt, -64, 63, math.MaxInt} {
		roundTrip(t, "int", AppendInt(nil, v), v, DecodeInt)
	}
	for _, v := range []float32{0, -1.5, float32(math.Inf(1)), math.MaxFloat32, math.SmallestNonzeroFloat32} {
		roundTrip(t, "float32", AppendFloat32(nil, v), v, DecodeFloat32)
	}
	for _, v := range []float64{0, -1.5, math.Inf(-1), math.MaxFloat64, math.SmallestNonzeroFloat64} {
		roundTrip(t, "float64", AppendFloat64(nil, v), v, DecodeFloat64)
	}
	for _, v := range []string{"", "a", "héllo", string(make([]byte, 200))} {
		roundTrip(t, "string", AppendString(nil, v), v, DecodeString)
	}

	// NaN payloads survive bit for bit.
	nan := math.Float64frombits(0x7FF8_0000_0000_1234)
	if got, _, _ := DecodeFloat64(AppendFloat64(nil, nan)); math.Float64bits(got) != 0x7FF8_0000_0000_1234 {
		t.Errorf("float64 NaN bits changed: %x", math.Float64bits(got))
	}
}

// TestDecodeBytesOneByteCount checks DecodeBytes's inlinable path for
// counts under 128 against its general path, at the one- and two-byte
// counts' boundary, with the input exact, one byte short and one over.
func TestDecodeBytesOneByteCount(t *testing.T) {
	for _, l := range []int{0, 1, 127, 128, 300} {
		for _, extra := range []int{-1, 0, 1} {
			src := AppendBytes(nil, make([]byte, l))
			if extra < 0 {
				src = src[:len(src)-1]
			} else {
				src = append(src, make([]byte, extra)...)
			}
			b, n, err := DecodeBytes(src)
			wb, wn, werr := decodeBytes(src)
			if !bytes.Equal(b, wb) || (b == nil) != (wb == nil) || cap(b) != cap(wb) || n != wn || err != werr {
				t.Errorf("count %d, %d bytes over: %d bytes (cap %d), %d, %v; want %d bytes (cap %d), %d, %v",
					l, extra, len(b), cap(b), n, err, len(wb), cap(wb), wn, werr)
			}
		}
	}
}

func TestDecodeBytes(t *testing.T) {
	src := AppendBytes(nil, []byte("abc"))
	src = append(src, 'z')
	b, n, err := DecodeBytes(src)
	if err != nil || string(b) != "abc" || n != 4 {
		t.Fatalf("DecodeBytes = %q, %d, %v", b, n, err)
	}
	if &b[0] != &src[1] {
		t.Errorf("DecodeBytes copied; it should alias src")
	}
	if cap(b) != 3 {
		t.Errorf("cap = %d, want 3 so that appends cannot overwrite src", cap(b))
	}
	_ = append(b, 'X')
	if src[4] != 'z' {
		t.Errorf("append to decoded bytes overwrote src")
	}
}

func TestDecodeErrors(t *testing.T) {
	overlong := bytes.Repeat([]byte{0xFF}, 10)
	overlong = append(overlong, 0x7F) // 11 bytes: too long for 64 bits
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"bool 2", second(DecodeBool([]byte{2})), ErrBool},
		{"uvarint overflow", second(DecodeUvarint(overlong)), ErrOverflow},
		{"uvarint 10th byte too big", second(DecodeUvarint(append(bytes.Repeat([]byte{0x80}, 9), 0x02))), ErrOverflow},
		{"varint overflow", second(DecodeVarint(overlong)), ErrOverflow},
		{"uvarint unterminated", second(DecodeUvarint([]byte{0x80, 0x80})), ErrShort},
		{"string length past end", second(DecodeString([]byte{5, 'a', 'b'})), ErrLength},
		{"string huge length", second(DecodeString(AppendUvarint(nil, math.MaxUint64))), ErrLength},
		{"bytes length past end", second(DecodeBytes([]byte{1})), ErrLength},
		{"string bad prefix", second(DecodeString(overlong)), ErrOverflow},
		{"string empty input", second(DecodeString(nil)), ErrShort},
		{"len past end", second(DecodeLen([]byte{3, 0, 0}, 1)), ErrLength},
		{"len past end, wide elements", second(DecodeLen([]byte{2, 0, 0, 0}, 2)), ErrLength},
		{"len huge", second(DecodeLen(AppendUvarint(nil, math.MaxUint64), 0)), ErrLength},
	}
	for _, tt := range tests {
		if tt.err != tt.want {
			t.Errorf("%s: err = %v, want %v", tt.name, tt.err, tt.want)
		}
	}
	if c, n, err := DecodeLen([]byte{2, 0, 0, 0, 0}, 2); err != nil || c != 2 || n != 1 {
		t.Errorf("DecodeLen fitting = %d, %d, %v", c, n, err)
	}
}

func second[T any](_ T, _ int, err error) error { return err }

func TestCodecAllocs(t *testing.T) {
	buf := make([]byte, 0, 128)
	encode := func() {
		buf = buf[:0]
		buf = AppendBool(buf, true)
		buf = AppendUint8(buf, 1)
		buf = AppendInt8(buf, -1)
		buf = AppendUint16(buf, 2)
		buf = AppendInt16(buf, -2)
		buf = AppendUint32(buf, 3)
		buf = AppendInt32(buf, -3)
		buf = AppendUint64(buf, 4)
		buf = AppendInt64(buf, -4)
		buf = AppendFloat32(buf, 5)
		buf = AppendFloat64(buf, 6)
		buf = AppendUvarint(buf, 1<<40)
		buf = AppendVarint(buf, -1<<40)
		buf = AppendUint(buf, 7)
		buf = AppendInt(buf, -7)
		buf = AppendString(buf, "hello")
		buf = AppendBytes(buf, []byte("world"))
		buf = AppendLen(buf, 3)
		buf = append(buf, 1, 2, 3)
	}
	if a := testing.AllocsPerRun(100, encode); a != 0 {
		t.Errorf("Append helpers: %v allocs, want 0", a)
	}
	encode()
	src := buf
	var sink int
	decode := func() {
		p := src
		step := func(n int, err error) {
			if err != nil {
				panic(err)
			}
			p = p[n:]
			sink += n
		}
		step(second2(DecodeBool(p)))
		step(second2(DecodeUint8(p)))
		step(second2(DecodeInt8(p)))
		step(second2(DecodeUint16(p)))
		step(second2(DecodeInt16(p)))
		step(second2(DecodeUint32(p)))
		step(second2(DecodeInt32(p)))
		step(second2(DecodeUint64(p)))
		step(second2(DecodeInt64(p)))
		step(second2(DecodeFloat32(p)))
		step(second2(DecodeFloat64(p)))
		step(second2(DecodeUvarint(p)))
		step(second2(DecodeVarint(p)))
		step(second2(DecodeUint(p)))
		step(second2(DecodeInt(p)))
		_, n, err := DecodeBytes(p) // the string, read without copying
		step(n, err)
		step(second2(DecodeBytes(p)))
		step(second2(DecodeLen(p, 1)))
		step(3, nil)
		if len(p) != 0 {
			panic("bytes left over")
		}
	}
	if a := testing.AllocsPerRun(100, decode); a != 0 {
		t.Errorf("Decode helpers: %v allocs, want 0", a)
	}
	str := AppendString(nil, "hello")
	if a := testing.AllocsPerRun(100, func() { sinkString, _, _ = DecodeString(str) }); a != 1 {
		t.Errorf("DecodeString: %v allocs, want 1 (the string)", a)
	}
	if a := testing.AllocsPerRun(100, func() { _, _, _ = DecodeString([]byte{5}) }); a != 0 {
		t.Errorf("DecodeString error path: %v allocs, want 0", a)
	}
}

var sinkString string

func second2[T any](_ T, n int, err error) (int, error) { return n, err }

func FuzzDecodeFixed(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Add([]byte{2, 3, 4})
	f.Add(bytes.Repeat([]byte{0xFF}, 8))
	f.Add(AppendFloat64(nil, math.NaN()))
	f.Fuzz(func(t *testing.T, src []byte) {
		check := func(name string, n, width int, err error, reenc []byte) {
			t.Helper()
			switch {
			case len(src) < width:
				if err != ErrShort || n != 0 {
					t.Fatalf("%s on %d bytes: n %d, err %v; want ErrShort", name, len(src), n, err)
				}
			case err == ErrBool:
				if src[0] <= 1 {
					t.Fatalf("%s: ErrBool on % x", name, src[:1])
				}
			case err != nil || n != width:
				t.Fatalf("%s: n %d, err %v; want %d, nil", name, n, err, width)
			case !bytes.Equal(reenc, src[:width]):
				t.Fatalf("%s: re-encoded % x, input % x", name, reenc, src[:width])
			}
		}
		b, n, err := DecodeBool(src)
		check("bool", n, 1, err, AppendBool(nil, b))
		u8, n, err := DecodeUint8(src)
		check("uint8", n, 1, err, AppendUint8(nil, u8))
		i8, n, err := DecodeInt8(src)
		check("int8", n, 1, err, AppendInt8(nil, i8))
		u16, n, err := DecodeUint16(src)
		check("uint16", n, 2, err, AppendUint16(nil, u16))
		i16, n, err := DecodeInt16(src)
		check("int16", n, 2, err, AppendInt16(nil, i16))
		u32, n, err := DecodeUint32(src)
		check("uint32", n, 4, err, AppendUint32(nil, u32))
		i32, n, err := DecodeInt32(src)
		check("int32", n, 4, err, AppendInt32(nil, i32))
		u64, n, err := DecodeUint64(src)
		check("uint64", n, 8, err, AppendUint64(nil, u64))
		i64, n, err := DecodeInt64(src)
		check("int64", n, 8, err, AppendInt64(nil, i64))
		f32, n, err := DecodeFloat32(src)
		check("float32", n, 4, err, AppendFloat32(nil, f32))
		f64, n, err := DecodeFloat64(src)
		check("float64", n, 8, err, AppendFloat64(nil, f64))
	})
}

func FuzzDecodeVarint(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0x80})
	f.Add([]byte{0xAC, 0x02})
	f.Add(AppendUvarint(nil, math.MaxUint64))
	f.Add(AppendVarint(nil, math.MinInt64))
	f.Add(bytes.Repeat([]byte{0xFF}, 11))
	f.Add([]byte{0x80, 0x00}) // non-minimal encoding of 0
	f.Fuzz(func(t *testing.T, src []byte) {
		u, n, err := DecodeUvarint(src)
		if err == nil {
			if n < 1 || n > len(src) || n > 10 {
				t.Fatalf("uvarint: n %d of %d bytes", n, len(src))
			}
			if v, m, err := DecodeUvarint(AppendUvarint(nil, u)); err != nil || v != u || m > n {
				t.Fatalf("uvarint %d does not round-trip: %d, %d, %v", u, v, m, err)
			}
		} else if n != 0 || (err != ErrShort && err != ErrOverflow) {
			t.Fatalf("uvarint: n %d, err %v", n, err)
		}
		i, n, err := DecodeVarint(src)
		if err == nil {
			if n < 1 || n > len(src) {
				t.Fatalf("varint: n %d of %d bytes", n, len(src))
			}
			if v, _, err := DecodeVarint(AppendVarint(nil, i)); err != nil || v != i {
				t.Fatalf("varint %d does not round-trip: %d, %v", i, v, err)
			}
		} else if n != 0 || (err != ErrShort && err != ErrOverflow) {
			t.Fatalf("varint: n %d, err %v", n, err)
		}
		if v, n, err := DecodeInt(src); err == nil && (n > len(src) || int64(v) != i) {
			t.Fatalf("int: %d, n %d; varint gave %d", v, n, i)
		}
		if v, n, err := DecodeUint(src); err == nil && (n > len(src) || uint64(v) != u) {
			t.Fatalf("uint: %d, n %d; uvarint gave %d", v, n, u)
		}
	})
}

func FuzzDecodeString(f *testing.F) {
	f.Add([]byte{}, uint8(1))
	f.Add([]byte{0}, uint8(0))
	f.Add(AppendString(nil, "hello"), uint8(1))
	f.Add([]byte{5, 'a'}, uint8(1))
	f.Add(AppendUvarint(nil, math.MaxUint64), uint8(0))
	f.Add(append(AppendUvarint(nil, 1<<20), 'x'), uint8(3))
	f.Fuzz(func(t *testing.T, src []byte, minElem uint8) {
		s, n, err := DecodeString(src)
		if err == nil {
			if n > len(src) || len(s) > len(src)-1 || n-len(s) < 1 {
				t.Fatalf("string of %d bytes, n %d, from %d bytes", len(s), n, len(src))
			}
			if v, _, err := DecodeString(AppendString(nil, s)); err != nil || v != s {
				t.Fatalf("string %q does not round-trip", s)
			}
		} else if n != 0 || s != "" {
			t.Fatalf("string: error %v with n %d, %d bytes", err, n, len(s))
		}
		b, n, err := DecodeBytes(src)
		if wb, wn, werr := decodeBytes(src); !bytes.Equal(b, wb) || n != wn || err != werr {
			t.Fatalf("bytes %q, %d, %v; general path %q, %d, %v", b, n, err, wb, wn, werr)
		}
		if err == nil {
			if string(b) != s || n > len(src) || cap(b) != len(b) {
				t.Fatalf("bytes %q (cap %d) disagree with string %q", b, cap(b), s)
			}
		} else if b != nil || n != 0 {
			t.Fatalf("bytes: error %v with n %d", err, n)
		}
		count, n, err := DecodeLen(src, int(minElem))
		if err == nil {
			if n > len(src) || count < 0 || count*max(int(minElem), 1) > len(src)-n {
				t.Fatalf("len %d (min elem %d, n %d) from %d bytes", count, minElem, n, len(src))
			}
		} else if n != 0 || count != 0 {
			t.Fatalf("len: error %v with n %d count %d", err, n, count)
		}
	})
}

func BenchmarkCodec(b *testing.B) {
	buf := make([]byte, 0, 64)
	b.Run("AppendUint64", func(b *testing.B) {
		b.ReportAllocs()
		for i := uint64(0); b.Loop(); i++ {
			buf = AppendUint64(buf[:0], i)
		}
	})
	b.Run("DecodeUint64", func(b *testing.B) {
		src := AppendUint64(nil, 42)
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := DecodeUint64(src); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("AppendUvarint", func(b *testing.B) {
		b.ReportAllocs()
		for i := uint64(0); b.Loop(); i++ {
			buf = AppendUvarint(buf[:0], i<<20)
		}
	})
	b.Run("DecodeUvarint", func(b *testing.B) {
		src := AppendUvarint(nil, 1<<40)
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := DecodeUvarint(src); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("AppendString", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf = AppendString(buf[:0], "shopping-cart-item")
		}
	})
	b.Run("DecodeString", func(b *testing.B) {
		src := AppendString(nil, "shopping-cart-item")
		b.ReportAllocs()
		var err error
		for b.Loop() {
			if sinkString, _, err = DecodeString(src); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DecodeBytes", func(b *testing.B) {
		src := AppendString(nil, "shopping-cart-item")
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := DecodeBytes(src); err != nil {
				b.Fatal(err)
			}
		}
	})
}
