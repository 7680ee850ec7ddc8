package hydro

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hydrogo/hydro/lattices"
)

type wireClass uint8

type wireInner struct {
	A int16
	b bool
}

type wireItem struct {
	ID    uint32
	_     int64
	Name  string
	inner wireInner
	Class wireClass
	Next  *wireItem
}

// wirePoint has its own codec methods, which write the coordinates as one
// byte each.
type wirePoint struct{ X, Y int8 }

func (p *wirePoint) Append(dst []byte) []byte { return append(dst, byte(p.X), byte(p.Y)) }

func (p *wirePoint) Decode(src []byte) (int, error) {
	p.X, p.Y = int8(src[0]), int8(src[1])
	return 2, nil
}

type wireHidden struct {
	hi  lattices.Max[int]
	pts [2]wirePoint
}

type wireClasses []wireClass

func TestAppendWire(t *testing.T) {
	five := int32(5)
	for _, tc := range []struct {
		name string
		v    any
		want []byte
	}{
		{"bool", true, []byte{1}},
		{"false", false, []byte{0}},
		{"int", -3, []byte{5}},
		{"int8", int8(-1), []byte{0xff}},
		{"int16", int16(0x0102), []byte{2, 1}},
		{"int32", int32(-2), []byte{0xfe, 0xff, 0xff, 0xff}},
		{"int64", int64(1), []byte{1, 0, 0, 0, 0, 0, 0, 0}},
		{"uint", uint(300), []byte{0xac, 0x02}},
		{"uint8", uint8(7), []byte{7}},
		{"uint16", uint16(0xabcd), []byte{0xcd, 0xab}},
		{"uint32", uint32(1), []byte{1, 0, 0, 0}},
		{"uint64", uint64(math.MaxUint64), bytes.Repeat([]byte{0xff}, 8)},
		{"uintptr", uintptr(128), []byte{0x80, 1}},
		{"float32", float32(1), []byte{0, 0, 0x80, 0x3f}},
		{"float32 NaN bits", math.Float32frombits(0x7f800001), []byte{1, 0, 0x80, 0x7f}},
		{"float64", 1.0, []byte{0, 0, 0, 0, 0, 0, 0xf0, 0x3f}},
		{"string", "hi", []byte{2, 'h', 'i'}},
		{"bytes", []byte{1, 2}, []byte{2, 1, 2}},
		{"nil bytes", []byte(nil), []byte{0}},
		{"named bytes", wireClasses{1, 2}, []byte{2, 1, 2}},
		{"slice", []int16{1, -1}, []byte{2, 1, 0, 0xff, 0xff}},
		{"byte array", [2]uint8{7, 8}, []byte{7, 8}},
		{"array", [2]int16{1, 2}, []byte{1, 0, 2, 0}},
		{"nil pointer", (*int32)(nil), []byte{0}},
		{"pointer", &five, []byte{1, 5, 0, 0, 0}},
		{"zero time", time.Time{}, []byte{0, 0, 0, 0, 0, 0, 0, 0x80}},
		{"time", time.Unix(1, 2), []byte{0x02, 0xca, 0x9a, 0x3b, 0, 0, 0, 0}},
		{"struct", wireItem{ID: 1, Name: "a", inner: wireInner{A: -1, b: true}, Class: 3, Next: &wireItem{ID: 2}},
			[]byte{1, 0, 0, 0, 1, 'a', 0xff, 0xff, 1, 3, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"codec methods", wirePoint{X: -1, Y: 2}, []byte{0xff, 2}},
		{"codec methods in a slice", []wirePoint{{1, 2}}, []byte{1, 1, 2}},
		{"lattice", lattices.NewMax(3), []byte{1, 6}},
		{"lattice bottom", lattices.Max[int]{}, []byte{0}},
		{"lattice of a struct", lattices.NewConflict(wireInner{A: 1}), []byte{1, 1, 0, 0}},
		{"unexported lattice and methods", wireHidden{hi: lattices.NewMax(-1), pts: [2]wirePoint{{1, 2}, {3, 4}}}, []byte{1, 1, 1, 2, 3, 4}},
		{"sealed SSIV", lattices.NewSSIV([]string{"x"}), []byte{1, 1, 1, 0, 1, 'x'}},
	} {
		got, err := AppendWire([]byte{0xee}, tc.v)
		if err != nil {
			t.Errorf("%s: AppendWire(%v): %v", tc.name, tc.v, err)
			continue
		}
		if want := append([]byte{0xee}, tc.want...); !bytes.Equal(got, want) {
			t.Errorf("%s: AppendWire(%v) = %x, want %x", tc.name, tc.v, got, want)
		}
	}
}

func TestAppendWireUnsupported(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"map", map[string]int{}, "map"},
		{"func", func() {}, "func"},
		{"chan", make(chan int), "chan"},
		{"complex", complex(1, 2), "complex128"},
		{"interface field", struct{ A any }{}, ".A"},
		{"map in a nil pointer", struct{ P *struct{ M map[int]int } }{}, ".P.M is a map"},
		{"map in a lattice", lattices.NewConflict(struct{ M *map[int]int }{}), "map"},
	} {
		_, err := AppendWire(nil, tc.v)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: AppendWire(%T) = %v, want an error mentioning %q", tc.name, tc.v, err, tc.want)
		}
	}
	if _, err := AppendWire(nil, nil); err == nil {
		t.Error("AppendWire(nil) succeeded")
	}
}

func TestAppendWireUnexportedField(t *testing.T) {
	// appendWire reads fields reached without exported access, as the
	// interpreter's key fields may be, and calls their methods.
	item := wireItem{inner: wireInner{A: 2}}
	got, err := appendWire(nil, reflect.ValueOf(&item).Elem().FieldByName("inner"))
	if err != nil || !bytes.Equal(got, []byte{2, 0, 0}) {
		t.Errorf("appendWire(inner) = %x, %v; want 020000", got, err)
	}
	h := wireHidden{hi: lattices.NewMax(1)}
	got, err = appendWire(nil, reflect.ValueOf(&h).Elem().FieldByName("hi"))
	if err != nil || !bytes.Equal(got, []byte{1, 2}) {
		t.Errorf("appendWire(hi) = %x, %v; want 0102", got, err)
	}
	// Unaddressable, it cannot be read.
	if _, err := appendWire(nil, reflect.ValueOf(item).FieldByName("inner")); err == nil {
		t.Error("appendWire of an unexported field of an unaddressable struct succeeded")
	}
}
