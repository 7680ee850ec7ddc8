package lattices_test

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/hydrogo/hydro/lattices"
)

// jsonCodec checks the JSON encoding of one lattice type.
type jsonCodec struct {
	name  string
	check func(t *testing.T)
	// unmarshal unmarshals data into a fresh value and, if that succeeds,
	// checks that the value survives a second round trip.
	unmarshal func(t *testing.T, data []byte) error
	sample    func(r *rand.Rand) []byte
}

func newJSONCodec[L any, PL lattices.Lattice[L]](name string, gen func(*rand.Rand) L) jsonCodec {
	return jsonCodec{
		name: name,
		check: func(t *testing.T) {
			r := rand.New(rand.NewPCG(5, 6))
			for i := range 300 {
				v := gen(r)
				b, err := json.Marshal(v)
				if err != nil {
					t.Fatalf("case %d: json.Marshal(%v): %v", i, v, err)
				}
				if again, _ := json.Marshal(v); string(again) != string(b) {
					t.Fatalf("case %d: %v marshals as %s, then as %s", i, v, b, again)
				}
				// Through a pointer as well: the methods are the same.
				if viaPtr, _ := json.Marshal(&v); string(viaPtr) != string(b) {
					t.Fatalf("case %d: %v marshals as %s, through a pointer as %s", i, v, b, viaPtr)
				}
				got := gen(r) // Unmarshal overwrites whatever the value held.
				if err := json.Unmarshal(b, &got); err != nil {
					t.Fatalf("case %d: json.Unmarshal(%s): %v", i, b, err)
				}
				if !equal[L, PL](got, v) {
					t.Fatalf("case %d: %v marshals as %s, which unmarshals as %v", i, v, b, got)
				}
			}
		},
		unmarshal: func(t *testing.T, data []byte) error {
			var v L
			if err := json.Unmarshal(data, &v); err != nil {
				return err
			}
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("json.Unmarshal(%s) = %v, which does not marshal: %v", data, v, err)
			}
			var w L
			if err := json.Unmarshal(b, &w); err != nil || !equal[L, PL](w, v) {
				t.Fatalf("json.Unmarshal(%s) = %v, which marshals as %s and unmarshals as %v, %v", data, v, b, w, err)
			}
			return nil
		},
		sample: func(r *rand.Rand) []byte {
			b, _ := json.Marshal(gen(r))
			return b
		},
	}
}

var jsonCodecs = []jsonCodec{
	newJSONCodec("Max", genMax),
	newJSONCodec("Min", genMin),
	newJSONCodec("MaxString", genMaxString),
	newJSONCodec("SetUnion", genSet),
	newJSONCodec("MapUnionMax", genMapMax),
	newJSONCodec("MapUnionSet", genMapSet),
	newJSONCodec("Pair", genPair),
	newJSONCodec("PairBounded", genPairBounded),
	newJSONCodec("DomPair", genDomPairTotal),
	newJSONCodec("WithBotMax", genWithBotMax),
	newJSONCodec("WithBotSet", genWithBotSet),
	newJSONCodec("WithBotConflict", genWithBotConflict),
	newJSONCodec("WithTopMax", genWithTopMax),
	newJSONCodec("WithTopSet", genWithTopSet),
	newJSONCodec("Conflict", genConflict),
	newJSONCodec("VecUnionMax", genVecMax),
	newJSONCodec("VecUnionSet", genVecSet),
	newJSONCodec("GCounter", genGCounter),
	newJSONCodec("LWW", genLWW),
	newJSONCodec("BoundedPrefix", genBoundedPrefix),
	newJSONCodec("SSIV", genSSIV),
}

func TestJSONRoundTrip(t *testing.T) {
	for _, c := range jsonCodecs {
		t.Run(c.name, c.check)
	}
}

// TestJSONShapes pins the shapes documented in docs/lattices.md.
func TestJSONShapes(t *testing.T) {
	var ssiv lattices.SSIV[string]
	ssiv.Add(2, "c")
	ssiv.Add(0, "a")
	sealed := ssiv.Clone()
	sealed.Seal(3)
	var conflictSSIV lattices.SSIV[string]
	conflictSSIV.Add(-1, "")
	var lwwConflict lattices.LWW[string]
	lwwConflict.Set(7, "a")
	lwwConflict.Set(7, "b")
	var counter lattices.GCounter[string]
	counter.Inc("b", 2)
	counter.Inc("a", 1)
	for _, tc := range []struct {
		v    any
		want string
	}{
		{maxInt{}, `null`},
		{lattices.NewMax(3), `3`},
		{lattices.NewMin("x"), `"x"`},
		{conflictInt{}, `null`},
		{lattices.NewConflict(3), `{"value":3}`},
		{genConflictTop(), `{"conflict":true}`},
		{lattices.NewSetUnion("b", "a", "c"), `["a","b","c"]`},
		{lattices.SetUnion[int]{}, `[]`},
		{lattices.NewMapUnion[string, maxInt](map[string]maxInt{"y": lattices.NewMax(1), "x": lattices.NewMax(2)}), `{"x":2,"y":1}`},
		{counter, `{"a":1,"b":2}`},
		{lattices.NewVecUnion(maxInt{}, lattices.NewMax(1)), `[null,1]`},
		{lattices.VecUnion[maxInt, *maxInt]{}, `[]`},
		{lattices.WithBot[maxInt, *maxInt]{}, `null`},
		{lattices.NewWithBot[maxInt, *maxInt](maxInt{}), `{"value":null}`},
		{lattices.NewTop[maxInt, *maxInt](), `{"top":true}`},
		{lattices.NewWithTop[maxInt, *maxInt](lattices.NewMax(1)), `{"value":1}`},
		{lattices.LWW[string]{}, `null`},
		{lattices.NewLWW(7, "a"), `{"ts":7,"value":"a"}`},
		{lwwConflict, `{"ts":7,"conflict":true}`},
		{lattices.BoundedPrefix[int]{}, `null`},
		{lattices.NewBoundedPrefix([]int{1, 2}, 3), `{"items":[1,2],"len":3}`},
		{lattices.NewBoundedPrefix[int](nil, 3), `{"items":[],"len":3}`},
		{lattices.NewBoundedPrefix([]int{1, 2}, 1), `{"conflict":true}`},
		{lattices.SSIV[string]{}, `{"items":{}}`},
		{ssiv, `{"items":{"0":"a","2":"c"}}`},
		{sealed, `{"items":{"0":"a","2":"c"},"len":3}`},
		{conflictSSIV, `{"conflict":true}`},
		{lattices.NewPair(lattices.NewMax(1), lattices.NewSetUnion(2)), `{"First":1,"Second":[2]}`},
		{lattices.NewDomPair(lattices.NewMax(1), lattices.NewSetUnion(2)), `{"Key":1,"Val":[2]}`},
	} {
		b, err := json.Marshal(tc.v)
		if err != nil || string(b) != tc.want {
			t.Errorf("json.Marshal(%v) = %s, %v; want %s", tc.v, b, err, tc.want)
		}
	}
}

// TestJSONInvalid checks that JSON describing no valid value is rejected.
func TestJSONInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		dst  any
		data string
		// invalid is whether the error wraps ErrInvalid, rather than being
		// an error of encoding/json.
		invalid bool
	}{
		{"Max of a string", new(maxInt), `"a"`, false},
		{"Conflict unknown member", new(conflictInt), `{"val":1}`, true},
		{"Conflict two members", new(conflictInt), `{"value":1,"conflict":true}`, true},
		{"Conflict false", new(conflictInt), `{"conflict":false}`, true},
		{"Conflict empty", new(conflictInt), `{}`, true},
		{"WithTop top in WithBot", new(lattices.WithBot[maxInt, *maxInt]), `{"top":true}`, true},
		{"WithTop conflict", new(lattices.WithTop[maxInt, *maxInt]), `{"conflict":true}`, true},
		{"WithTop null", new(lattices.WithTop[maxInt, *maxInt]), `null`, true},
		{"SetUnion repeated", new(setInt), `[1,2,1]`, true},
		{"MapUnion bottom value", new(lattices.MapUnion[string, maxInt, *maxInt]), `{"a":null}`, true},
		{"GCounter zero", new(lattices.GCounter[string]), `{"a":0}`, true},
		{"GCounter negative", new(lattices.GCounter[string]), `{"a":-1}`, false},
		{"LWW no ts", new(lattices.LWW[string]), `{"value":"a"}`, true},
		{"LWW no value", new(lattices.LWW[string]), `{"ts":1}`, true},
		{"LWW both", new(lattices.LWW[string]), `{"ts":1,"value":"a","conflict":true}`, true},
		{"LWW unknown member", new(lattices.LWW[string]), `{"ts":1,"val":"a"}`, false},
		{"BoundedPrefix too long", new(lattices.BoundedPrefix[int]), `{"items":[1,2],"len":1}`, true},
		{"BoundedPrefix no len", new(lattices.BoundedPrefix[int]), `{"items":[1]}`, true},
		{"BoundedPrefix conflict and items", new(lattices.BoundedPrefix[int]), `{"items":[1],"conflict":true}`, true},
		{"SSIV negative position", new(lattices.SSIV[int]), `{"items":{"-1":1}}`, true},
		{"SSIV beyond seal", new(lattices.SSIV[int]), `{"items":{"3":1},"len":3}`, true},
		{"SSIV negative seal", new(lattices.SSIV[int]), `{"items":{},"len":-1}`, true},
		{"SSIV conflict and seal", new(lattices.SSIV[int]), `{"conflict":true,"len":1}`, true},
		{"SSIV position not a number", new(lattices.SSIV[int]), `{"items":{"x":1}}`, false},
	} {
		err := json.Unmarshal([]byte(tc.data), tc.dst)
		if err == nil || errors.Is(err, lattices.ErrInvalid) != tc.invalid {
			t.Errorf("%s: json.Unmarshal(%s) = %v; want an error (wrapping ErrInvalid: %v)", tc.name, tc.data, err, tc.invalid)
		}
	}
}

// FuzzUnmarshalJSON unmarshals arbitrary input as each lattice type:
// unmarshaling never panics, and what unmarshals survives another round trip
// unchanged.
func FuzzUnmarshalJSON(f *testing.F) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, c := range jsonCodecs {
		for range 4 {
			f.Add(c.sample(r))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, c := range jsonCodecs {
			_ = c.unmarshal(t, data)
		}
	})
}
