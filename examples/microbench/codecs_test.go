package microbench

import (
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/netio"
)

// Hand-written codecs of Order and Basket: what a careful engineer writes
// with encoding/binary, producing the bytes the generated codecs produce and
// accepting the same inputs. They are the limit the generated codecs are
// measured against.

var (
	errShort  = errors.New("input too short")
	errLength = errors.New("length exceeds the input")
	errBool   = errors.New("bool byte is neither 0 nor 1")
)

// orderSize is the encoded size of an Order.
const orderSize = 8 + 4 + 8 + 8 + 1

func appendOrder(dst []byte, o *Order) []byte {
	// Plain appends measure faster than growing dst once and putting the
	// fields.
	dst = binary.LittleEndian.AppendUint64(dst, o.ID)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(o.Qty))
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(o.Price))
	dst = append(dst, o.Symbol[:]...)
	return append(dst, boolByte(o.Buy))
}

func decodeOrder(src []byte, o *Order) (int, error) {
	if len(src) < orderSize {
		return 0, errShort
	}
	b := src[:orderSize]
	if b[28] > 1 {
		return 0, errBool
	}
	o.ID = binary.LittleEndian.Uint64(b[0:])
	o.Qty = int32(binary.LittleEndian.Uint32(b[8:]))
	o.Price = math.Float64frombits(binary.LittleEndian.Uint64(b[12:]))
	copy(o.Symbol[:], b[20:28])
	o.Buy = b[28] == 1
	return orderSize, nil
}

// minLineSize is the smallest encoding of a Line: an empty item, the
// quantity and the flag.
const minLineSize = 1 + 2 + 1

func appendBasket(dst []byte, k *Basket) []byte {
	dst = appendString(dst, k.Owner)
	dst = binary.AppendUvarint(dst, uint64(len(k.Lines)))
	for i := range k.Lines {
		l := &k.Lines[i]
		dst = appendString(dst, l.Item)
		dst = binary.LittleEndian.AppendUint16(dst, uint16(l.Qty))
		dst = append(dst, boolByte(l.Gift))
	}
	return dst
}

func decodeBasket(src []byte, k *Basket) (int, error) {
	owner, n, err := readString(src)
	if err != nil {
		return 0, err
	}
	count, m := binary.Uvarint(src[n:])
	if m <= 0 {
		return 0, errShort
	}
	n += m
	if count > uint64((len(src)-n)/minLineSize) {
		return 0, errLength
	}
	var lines []Line
	if count > 0 {
		lines = make([]Line, count)
	}
	for i := range lines {
		l := &lines[i]
		if l.Item, m, err = readString(src[n:]); err != nil {
			return 0, err
		}
		n += m
		if len(src)-n < 3 {
			return 0, errShort
		}
		l.Qty = int16(binary.LittleEndian.Uint16(src[n:]))
		switch src[n+2] {
		case 0:
		case 1:
			l.Gift = true
		default:
			return 0, errBool
		}
		n += 3
	}
	k.Owner, k.Lines = owner, lines
	return n, nil
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// readString reads a length-prefixed string and returns it and the bytes
// it used.
func readString(src []byte) (string, int, error) {
	l, n := binary.Uvarint(src)
	if n <= 0 {
		return "", 0, errShort
	}
	if l > uint64(len(src)-n) {
		return "", 0, errLength
	}
	end := n + int(l)
	return string(src[n:end]), end, nil
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func sampleOrders() []Order {
	return []Order{
		{},
		{ID: 1<<40 + 7, Qty: -300, Price: 101.25, Symbol: [8]byte{'H', 'Y', 'D', 'R', 'O'}, Buy: true},
		{ID: math.MaxUint64, Qty: math.MinInt32, Price: math.Inf(-1), Symbol: [8]byte{0xff, 0, 0xff}},
		{ID: 42, Qty: 1, Price: math.Float64frombits(0x7ff8_dead_beef_0001), Buy: true}, // a NaN with a payload
	}
}

func sampleBaskets() []Basket {
	items := []string{"apple", "tea", "bread", "", "olive oil", "a somewhat longer item name"}
	var big Basket
	big.Owner = "client-000042"
	for i := range 8 {
		big.Lines = append(big.Lines, Line{Item: items[i%len(items)], Qty: int16(i*37 - 100), Gift: i%3 == 0})
	}
	return []Basket{
		{},
		{Owner: "solo", Lines: []Line{{Item: "tea", Qty: 1}}},
		{Owner: strings.Repeat("é", 100), Lines: []Line{{}, {Qty: math.MinInt16, Gift: true}}},
		big,
	}
}

// The benchmarks' values: an order, and a basket of eight lines.
var (
	benchOrder  = sampleOrders()[1]
	benchBasket = sampleBaskets()[3]
)

func TestHandwrittenCodecsMatchGenerated(t *testing.T) {
	for _, o := range sampleOrders() {
		enc := o.Append(nil)
		require.Equal(t, enc, appendOrder(nil, &o), "%+v", o)
		require.Len(t, enc, orderSize)
		var gen, hand Order
		n, err := gen.Decode(enc)
		require.NoError(t, err)
		require.Equal(t, len(enc), n)
		n, err = decodeOrder(enc, &hand)
		require.NoError(t, err)
		require.Equal(t, len(enc), n)
		// Compared encoded: a NaN is not equal to itself.
		require.Equal(t, enc, gen.Append(nil))
		require.Equal(t, enc, appendOrder(nil, &hand))
	}
	for _, k := range sampleBaskets() {
		enc := k.Append(nil)
		require.Equal(t, enc, appendBasket(nil, &k), "%+v", k)
		var gen, hand Basket
		n, err := gen.Decode(enc)
		require.NoError(t, err)
		require.Equal(t, len(enc), n)
		n, err = decodeBasket(enc, &hand)
		require.NoError(t, err)
		require.Equal(t, len(enc), n)
		require.Equal(t, k, gen)
		require.Equal(t, k, hand)
	}
}

func TestGeneratedFlatCodecAllocatesNothing(t *testing.T) {
	o := benchOrder
	buf := make([]byte, 0, 64)
	require.Zero(t, testing.AllocsPerRun(100, func() { buf = o.Append(buf[:0]) }), "encode")
	var v Order
	require.Zero(t, testing.AllocsPerRun(100, func() {
		if _, err := v.Decode(buf); err != nil {
			t.Fatal(err)
		}
	}), "decode")
	require.Equal(t, o, v)
}

// TestFlatDecodeRejectsABadBoolUntouched checks that a fixed-size decoder
// (the function and the method that repeats it) rejects a bool byte other
// than 0 or 1 before writing any field.
func TestFlatDecodeRejectsABadBoolUntouched(t *testing.T) {
	enc := benchOrder.Append(nil)
	enc[orderSize-1] = 2
	for name, decode := range map[string]func(*Order) (int, error){
		"method":   func(v *Order) (int, error) { return v.Decode(enc) },
		"function": func(v *Order) (int, error) { return decodeHydroOrder(enc, v) },
	} {
		var v Order
		_, err := decode(&v)
		require.ErrorIs(t, err, netio.ErrBool, name)
		require.ErrorContains(t, err, "microbench.Order.Buy", name)
		require.Equal(t, Order{}, v, name)
	}
}

// The codec benchmarks call each codec directly, so that the compiler can
// inline either.

func BenchmarkCodecEncodeFlat(b *testing.B) {
	o := benchOrder
	buf := make([]byte, 0, 64)
	b.Run("generated", func(b *testing.B) {
		b.SetBytes(int64(len(o.Append(nil))))
		b.ReportAllocs()
		for b.Loop() {
			buf = o.Append(buf[:0])
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		b.SetBytes(int64(len(appendOrder(nil, &o))))
		b.ReportAllocs()
		for b.Loop() {
			buf = appendOrder(buf[:0], &o)
		}
	})
}

func BenchmarkCodecDecodeFlat(b *testing.B) {
	enc := benchOrder.Append(nil)
	var o Order
	b.Run("generated", func(b *testing.B) {
		b.SetBytes(int64(len(enc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := o.Decode(enc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		b.SetBytes(int64(len(enc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeOrder(enc, &o); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCodecEncodeNested(b *testing.B) {
	k := benchBasket
	buf := make([]byte, 0, 256)
	b.Run("generated", func(b *testing.B) {
		b.SetBytes(int64(len(k.Append(nil))))
		b.ReportAllocs()
		for b.Loop() {
			buf = k.Append(buf[:0])
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		b.SetBytes(int64(len(appendBasket(nil, &k))))
		b.ReportAllocs()
		for b.Loop() {
			buf = appendBasket(buf[:0], &k)
		}
	})
}

func BenchmarkCodecDecodeNested(b *testing.B) {
	enc := benchBasket.Append(nil)
	var k Basket
	b.Run("generated", func(b *testing.B) {
		b.SetBytes(int64(len(enc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := k.Decode(enc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		b.SetBytes(int64(len(enc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeBasket(enc, &k); err != nil {
				b.Fatal(err)
			}
		}
	})
}
