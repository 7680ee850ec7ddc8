package hydro

import (
	"encoding/binary"
	"maps"
	"math"
	"testing"
)

// setOps applies the operations encoded in data to an IntSet and to a map,
// and fails at the first difference. Every operation takes three bytes: an
// opcode and a key, a 16-bit integer scaled by the opcode's high bits so
// that keys are dense, sparse, negative or far out of range.
func setOps(t *testing.T, data []byte) {
	var s IntSet[int64]
	model := map[int64]struct{}{}
	for ; len(data) >= 3; data = data[3:] {
		k := opKey(data[0], data[1:3])
		switch data[0] % 4 {
		case 0:
			_, had := model[k]
			model[k] = struct{}{}
			if got := s.Add(k); got != !had {
				t.Fatalf("Add(%d) = %v, want %v", k, got, !had)
			}
		case 1:
			// As generated code adds: AddDense, then Add if the dense
			// part does not cover k.
			_, had := model[k]
			model[k] = struct{}{}
			n := s.Len()
			added, ok := s.AddDense(k)
			if !ok {
				if added || s.Len() != n {
					t.Fatalf("AddDense(%d) = %v, false and changed the set", k, added)
				}
				added = s.Add(k)
			}
			if added != !had {
				t.Fatalf("AddDense(%d), then Add: added %v, want %v", k, added, !had)
			}
		case 2:
			_, want := model[k]
			if got := s.Has(k); got != want {
				t.Fatalf("Has(%d) = %v, want %v", k, got, want)
			}
		case 3:
			if data[0]&0x0c == 0 {
				s.Clear()
				clear(model)
			}
		}
		if s.Len() != len(model) {
			t.Fatalf("Len() = %d, want %d", s.Len(), len(model))
		}
	}
	got := map[int64]struct{}{}
	for k := range s.All() {
		if _, dup := got[k]; dup {
			t.Fatalf("All yields %d twice", k)
		}
		got[k] = struct{}{}
	}
	if !maps.Equal(got, model) {
		t.Fatalf("All yields %v, want %v", got, model)
	}
}

// opKey decodes a key: the high bits of op choose its range.
func opKey(op byte, b []byte) int64 {
	k := int64(binary.LittleEndian.Uint16(b))
	switch op >> 5 {
	case 0, 1, 2:
		return k % 2048 // dense
	case 3:
		return k % 64 // very dense
	case 4:
		return -k // negative
	case 5:
		return k * 1_000_003 // sparse
	case 6:
		return math.MaxInt64 - k
	default:
		return math.MinInt64 + k
	}
}

// indexOps is setOps for an IntIndex; the values it puts are small or
// beyond what a dense slot holds.
func indexOps(t *testing.T, data []byte) {
	var x IntIndex[int64]
	model := map[int64]int{}
	for i := 0; len(data) >= 3; i, data = i+1, data[3:] {
		k := opKey(data[0], data[1:3])
		switch data[0] % 5 {
		case 0, 1:
			v := i
			if data[0]&0x10 != 0 {
				v += math.MaxInt32 - 4 // near and beyond a dense slot's range
			}
			if data[0]&0x08 != 0 {
				old, ok := x.Swap(k, v)
				want, wantOK := model[k]
				if ok != wantOK || ok && old != want {
					t.Fatalf("Swap(%d, %d) = %d, %v; want %d, %v", k, v, old, ok, want, wantOK)
				}
			} else if data[0]&0x04 != 0 {
				// As generated code puts: PutDense, then Put if the
				// dense part does not take k and v.
				n := x.Len()
				if !x.PutDense(k, v) {
					want, wantOK := model[k]
					if got, ok := x.Get(k); x.Len() != n || ok != wantOK || ok && got != want {
						t.Fatalf("PutDense(%d, %d) = false and changed the index", k, v)
					}
					x.Put(k, v)
				}
			} else {
				x.Put(k, v)
			}
			model[k] = v
		case 2:
			want, wantOK := model[k]
			if got, ok := x.Get(k); ok != wantOK || ok && got != want {
				t.Fatalf("Get(%d) = %d, %v; want %d, %v", k, got, ok, want, wantOK)
			}
		case 3:
			x.Delete(k)
			delete(model, k)
		case 4:
			if data[0]&0x0c == 0 {
				x.Clear()
				clear(model)
			}
		}
		if x.Len() != len(model) {
			t.Fatalf("Len() = %d, want %d", x.Len(), len(model))
		}
	}
	got := map[int64]int{}
	for k, v := range x.All() {
		if _, dup := got[k]; dup {
			t.Fatalf("All yields %d twice", k)
		}
		got[k] = v
	}
	if !maps.Equal(got, model) {
		t.Fatalf("All yields %v, want %v", got, model)
	}
}

func FuzzIntSet(f *testing.F) {
	f.Add([]byte{0, 1, 0, 0, 200, 7, 0x80, 3, 0, 2, 1, 0, 3, 0, 0, 2, 1, 0})
	f.Fuzz(setOps)
}

func FuzzIntIndex(f *testing.F) {
	f.Add([]byte{0, 1, 0, 0x10, 200, 7, 0x80, 3, 0, 2, 1, 0, 3, 1, 0, 2, 200, 7, 4, 0, 0})
	f.Fuzz(indexOps)
}

// seqOps encodes operations for setOps and indexOps: op, then the key's
// two bytes.
func seqOps(ops ...[3]byte) []byte {
	var b []byte
	for _, o := range ops {
		b = append(b, o[:]...)
	}
	return b
}

func TestIntSetDenseAndSparse(t *testing.T) {
	var s IntSet[int]
	// Far keys first: they stay in the map until dense keys follow.
	for _, k := range []int{5000, -1, 1 << 40, 3, 900, 4999} {
		if !s.Add(k) {
			t.Fatalf("Add(%d) reports a repeat", k)
		}
	}
	for k := range 4096 {
		s.Add(k)
	}
	if len(s.dense) < 4096 {
		t.Errorf("dense part of %d slots after 4096 dense keys", len(s.dense))
	}
	for _, k := range []int{5000, -1, 1 << 40, 3, 900, 4999, 0, 4095} {
		if !s.Has(k) || s.Add(k) {
			t.Errorf("key %d lost", k)
		}
	}
	if s.Has(4096) || s.Has(-2) || s.Has(1<<41) {
		t.Error("Has reports a key never added")
	}
	if want := 4096 + 4; s.Len() != want {
		t.Errorf("Len() = %d, want %d", s.Len(), want)
	}
	if _, ok := s.over[4999]; !ok || len(s.over) != 4 {
		t.Errorf("map holds %v, want the 4 keys outside the dense part", s.over)
	}
	d := s.dense
	s.Clear()
	if s.Len() != 0 || s.Has(3) || s.Has(5000) {
		t.Error("Clear left keys")
	}
	s.Add(7)
	if &s.dense[0] != &d[0] {
		t.Error("Clear dropped the dense part of a dense set")
	}
}

func TestIntSetSparseClearDropsDense(t *testing.T) {
	var s IntSet[uint32]
	for k := range uint32(100_000) {
		s.Add(k)
	}
	s.Clear()
	s.Add(99_999) // one key, far: the next Clear must not clear 100,000 slots
	s.Clear()
	if s.dense != nil {
		t.Errorf("dense part of %d slots kept for one key", len(s.dense))
	}
}

func TestIntSetNarrowKeys(t *testing.T) {
	var s IntSet[int8]
	for k := range 256 {
		s.Add(int8(k - 128))
	}
	if s.Len() != 256 || len(s.over) != 128 {
		t.Errorf("Len() = %d with %d keys in the map, want 256 and the 128 negative ones", s.Len(), len(s.over))
	}
}

func TestIntIndexLargeValues(t *testing.T) {
	var x IntIndex[uint16]
	x.Put(3, math.MaxInt32)
	x.Put(4, 1)
	if v, ok := x.Get(3); !ok || v != math.MaxInt32 {
		t.Errorf("Get(3) = %d, %v", v, ok)
	}
	x.Put(3, 2)
	if v, ok := x.Get(3); !ok || v != 2 || len(x.over) != 0 {
		t.Errorf("Get(3) = %d, %v with %d keys in the map", v, ok, len(x.over))
	}
	x.Delete(4)
	if _, ok := x.Get(4); ok || x.Len() != 1 {
		t.Errorf("Delete(4) left %d keys", x.Len())
	}
}

func TestIntOps(t *testing.T) {
	// Grow the dense part over keys first put in the map, then clear.
	setOps(t, seqOps([3]byte{0, 0xff, 0x03}, [3]byte{0, 1, 0}, [3]byte{0, 2, 0}, [3]byte{2, 0xff, 0x03}, [3]byte{3, 0, 0}, [3]byte{2, 1, 0}))
	indexOps(t, seqOps([3]byte{0, 0xff, 0x03}, [3]byte{0x10, 1, 0}, [3]byte{0, 1, 0}, [3]byte{2, 1, 0}, [3]byte{3, 1, 0}, [3]byte{2, 0xff, 0x03}, [3]byte{4, 0, 0}))
}

func TestIntSetAllocsDense(t *testing.T) {
	var s IntSet[uint32]
	for k := range uint32(1000) {
		s.Add(k)
	}
	allocs := testing.AllocsPerRun(10, func() {
		s.Clear()
		for k := range uint32(1000) {
			s.Add(k)
		}
	})
	if allocs != 0 {
		t.Errorf("refilling a cleared set allocates %v times", allocs)
	}
}

func TestIntIndexReserve(t *testing.T) {
	var x IntIndex[uint32]
	x.Reserve(4096)
	if len(x.dense) != 1024 {
		t.Fatalf("Reserve(4096) gave %d dense slots, want 1024", len(x.dense))
	}
	allocs := testing.AllocsPerRun(1, func() {
		for k := range uint32(1024) {
			if !x.PutDense(k, int(k)) {
				t.Fatalf("PutDense(%d) outside the reserved dense part", k)
			}
		}
	})
	if allocs != 0 {
		t.Errorf("putting 1,024 reserved keys allocates %v times", allocs)
	}
	x.Reserve(10) // never shrinks
	if v, ok := x.Get(1000); len(x.dense) != 1024 || !ok || v != 1000 || x.Len() != 1024 {
		t.Errorf("after Reserve(10): %d slots, Get(1000) = %d, %v, Len() = %d", len(x.dense), v, ok, x.Len())
	}
	var y IntIndex[int]
	y.Put(-5, 1)
	y.Put(5000, 2) // beyond what the dense part may cover for 2 keys
	y.Reserve(8)
	if len(y.dense) != 8 || !y.PutDense(7, 3) || y.PutDense(8, 4) {
		t.Errorf("after Reserve(8): %d slots", len(y.dense))
	}
	for k, want := range map[int]int{-5: 1, 5000: 2, 7: 3} {
		if v, ok := y.Get(k); !ok || v != want {
			t.Errorf("Get(%d) = %d, %v, want %d", k, v, ok, want)
		}
	}
	if y.Len() != 3 {
		t.Errorf("Len() = %d, want 3", y.Len())
	}
}
