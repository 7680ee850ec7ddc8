package items

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/hydrogo/hydro/lattices"
)

// The Random functions return values whose decoding is deep-equal to them:
// empty slices and maps are nil, times are UTC without monotonic reading,
// floats are not NaN.

func randString(r *rand.Rand) string {
	return []string{"", "a", "héllo", "\x00\xff", "a longer string with some words in it"}[r.IntN(5)]
}

func randBytes(r *rand.Rand) []byte {
	if r.IntN(3) == 0 {
		return nil
	}
	b := make([]byte, 1+r.IntN(20))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func randFloat(r *rand.Rand) float64 {
	return []float64{0, math.Copysign(0, -1), 1.5, -3e300, math.Inf(1), math.SmallestNonzeroFloat64, r.NormFloat64()}[r.IntN(7)]
}

// RandomLineItem returns a random LineItem.
func RandomLineItem(r *rand.Rand) LineItem {
	return LineItem{Client: r.Uint32(), Item: randString(r), Qty: int16(r.Uint32()), Class: Class(r.Uint32())}
}

// RandomScalars returns a random Scalars.
func RandomScalars(r *rand.Rand) Scalars {
	s := Scalars{
		B:      r.IntN(2) == 0,
		I:      int(r.Int64()) >> r.IntN(64),
		I8:     int8(r.Uint32()),
		I16:    int16(r.Uint32()),
		I32:    int32(r.Uint32()),
		I64:    int64(r.Uint64()),
		U:      uint(r.Uint64()) >> r.IntN(64),
		U8:     uint8(r.Uint32()),
		U16:    uint16(r.Uint32()),
		U32:    r.Uint32(),
		U64:    r.Uint64(),
		UP:     uintptr(r.Uint64()) >> r.IntN(64),
		F32:    float32(randFloat(r)),
		F64:    randFloat(r),
		Arr:    [3]int16{int16(r.Uint32()), -1, 0},
		Class:  Class(r.Uint32()),
		hidden: uint16(r.Uint32()),
		Rune:   rune(r.Uint32()),
	}
	s.Inner.A, s.Inner.B = int32(r.Uint32()), -int32(r.Uint32())
	for i := range s.Hash {
		s.Hash[i] = byte(r.Uint32())
	}
	for i := range s.Digest {
		s.Digest[i] = byte(r.Uint32())
	}
	return s
}

// RandomCart returns a random Cart.
func RandomCart(r *rand.Rand) Cart {
	c := Cart{ID: r.Uint64(), Blob: randBytes(r), Prices: [2]float64{randFloat(r), randFloat(r)}}
	for range r.IntN(4) {
		c.Items = append(c.Items, RandomLineItem(r))
	}
	if r.IntN(2) == 0 {
		s := randString(r)
		c.Note = &s
	}
	switch r.IntN(3) {
	case 1:
		c.At = time.Unix(int64(r.Uint32()), int64(r.IntN(1e9))).UTC()
	case 2:
		c.At = time.Unix(0, int64(r.Uint64())).UTC()
	}
	for range r.IntN(3) {
		c.Tags = append(c.Tags, randString(r))
	}
	c.Level = r.IntN(100) - 50
	if r.IntN(2) == 0 {
		c.Extra = &Extra{Flag: r.IntN(2) == 0}
	}
	return c
}

// RandomIndex returns a random Index.
func RandomIndex(r *rand.Rand) Index {
	var x Index
	for range r.IntN(4) {
		if x.ByName == nil {
			x.ByName = map[string]int{}
		}
		x.ByName[randString(r)] = r.IntN(1000)
	}
	for range r.IntN(4) {
		if x.ByID == nil {
			x.ByID = map[uint32]LineItem{}
		}
		x.ByID[r.Uint32()] = RandomLineItem(r)
	}
	for range r.IntN(3) {
		if x.Sets == nil {
			x.Sets = map[Class][]string{}
		}
		var s []string
		for range r.IntN(3) {
			s = append(s, randString(r))
		}
		x.Sets[Class(r.IntN(4))] = s
	}
	return x
}

// RandomTree returns a random Tree.
func RandomTree(r *rand.Rand) Tree { return randomTree(r, 3) }

func randomTree(r *rand.Rand, depth int) Tree {
	t := Tree{Value: r.IntN(100)}
	if depth == 0 {
		return t
	}
	for range r.IntN(3) {
		t.Kids = append(t.Kids, randomTree(r, depth-1))
	}
	if r.IntN(2) == 0 {
		l := randomTree(r, depth-1)
		t.Left = &l
	}
	return t
}

// RandomList returns a random List.
func RandomList(r *rand.Rand) List {
	l := List{V: int32(r.Uint32())}
	for range r.IntN(5) {
		next := l
		l = List{V: int32(r.Uint32()), Next: &next}
	}
	return l
}

func randMax(r *rand.Rand) lattices.Max[int] {
	if r.IntN(4) == 0 {
		return lattices.Max[int]{}
	}
	return lattices.NewMax(r.IntN(10) - 5)
}

func randSet[T comparable](r *rand.Rand, elem func(*rand.Rand) T) lattices.SetUnion[T] {
	var s lattices.SetUnion[T]
	for range r.IntN(4) {
		s.Insert(elem(r))
	}
	return s
}

// RandomLattices returns a random Lattices.
func RandomLattices(r *rand.Rand) Lattices {
	var l Lattices
	l.Hi = randMax(r)
	if r.IntN(3) > 0 {
		l.Lo = lattices.NewMin(randFloat(r))
	}
	l.Seen = randSet(r, randString)
	for pos := range r.IntN(4) {
		if r.IntN(3) > 0 {
			l.Seq.Add(pos, RandomLineItem(r))
		}
	}
	switch r.IntN(4) {
	case 1:
		l.Seq.Seal(3)
	case 2:
		l.Seq.Add(-1, LineItem{}) // The conflict.
	}
	for range r.IntN(3) {
		l.Votes.MergeKey(randString(r), randMax(r))
	}
	l.Both = lattices.NewPair(randMax(r), randSet(r, func(r *rand.Rand) uint32 { return r.Uint32N(5) }))
	if r.IntN(3) > 0 {
		l.Dom = lattices.NewDomPair(lattices.NewMax(r.Uint64N(3)), lattices.NewConflict(randString(r)))
	}
	for range r.IntN(3) {
		l.Reg.Set(r.Uint64N(3), randString(r))
	}
	for range r.IntN(3) {
		l.Count.Inc(randString(r), r.Uint64N(3))
	}
	var vec []lattices.Max[int]
	for range r.IntN(3) {
		vec = append(vec, randMax(r))
	}
	l.Vec = lattices.NewVecUnion(vec...)
	if r.IntN(2) == 0 {
		l.Opt = lattices.NewWithBot(randMax(r))
	}
	switch r.IntN(3) {
	case 1:
		l.Cap = lattices.NewTop[lattices.SetUnion[int]]()
	case 2:
		l.Cap = lattices.NewWithTop(randSet(r, func(r *rand.Rand) int { return r.IntN(5) }))
	}
	switch r.IntN(4) {
	case 1:
		l.Pre = lattices.NewBoundedPrefix([]int{1, 2}, 2+r.IntN(2))
	case 2:
		l.Pre = lattices.NewBoundedPrefix([]int{1}, 0) // The conflict.
	}
	for range r.IntN(3) {
		l.Conf.Merge(lattices.NewConflict(randString(r)))
	}
	return l
}

// RandomHi returns a random Hi.
func RandomHi(r *rand.Rand) Hi {
	var h Hi
	if r.IntN(3) > 0 {
		h.M = lattices.NewMax(int64(r.Uint64()))
	}
	for range r.IntN(3) {
		h.C.Merge(lattices.NewConflict(int32(r.IntN(3))))
	}
	return h
}

// RandomShape returns a random Shape.
func RandomShape(r *rand.Rand) Shape {
	s := Shape{Center: Point{int32(r.Uint32()), int32(r.Uint32())}}
	for range r.IntN(3) {
		s.Corners = append(s.Corners, Point{int32(r.IntN(100)), -int32(r.IntN(100))})
	}
	return s
}

// RandomTagged returns a random Tagged; Skip is left zero, since it is
// not encoded.
func RandomTagged(r *rand.Rand) Tagged {
	v := Tagged{Name: randString(r), Dash: r.IntN(3), Count: r.IntN(2), Ratio: float32(randFloat(r)), Blob: randBytes(r),
		Quote: -r.IntN(5), Embedded: Embedded{Level: r.IntN(9)}, Digest: Digest{byte(r.Uint32()), 7}}
	if r.IntN(2) == 0 {
		s := randString(r)
		v.Note = &s
	}
	for range r.IntN(3) {
		v.Flags = append(v.Flags, r.IntN(2) == 0)
		v.Tags = append(v.Tags, randString(r))
	}
	if r.IntN(2) == 0 {
		w := RandomWrapped(r)
		v.Inner = &w
	}
	return v
}

// RandomWrapped returns a random Wrapped.
func RandomWrapped(r *rand.Rand) Wrapped {
	return Wrapped{Point{int32(r.Uint32()), int32(r.Uint32())}}
}

// RandomMarked returns a random Marked.
func RandomMarked(r *rand.Rand) Marked {
	return Marked{Name: randString(r), At: [2]Point{{int32(r.Uint32()), 1}, {2, int32(r.Uint32())}}}
}

// RandomOdd returns a random Odd.
func RandomOdd(r *rand.Rand) Odd {
	var o Odd
	if r.IntN(2) == 0 {
		i := r.IntN(10)
		p := &i
		o.PP = &p
	}
	for range r.IntN(3) {
		if o.ByKey == nil {
			o.ByKey = map[Key]*LineItem{}
		}
		var v *LineItem
		if r.IntN(2) == 0 {
			l := RandomLineItem(r)
			v = &l
		}
		o.ByKey[Key{uint8(r.IntN(4)), randString(r)}] = v
	}
	o.Tagged.A = int8(r.Uint32())
	if r.IntN(2) == 0 {
		o.Ref = &Embedded{Level: r.IntN(5)}
	}
	for range r.IntN(3) {
		if o.Names == nil {
			o.Names = Names{}
		}
		o.Names[randString(r)] = Class(r.Uint32())
	}
	o.Addr = Addr(r.Uint64())
	for range r.IntN(3) {
		var p *Point
		if r.IntN(2) == 0 {
			p = &Point{int32(r.Uint32()), 5}
		}
		o.Ptrs = append(o.Ptrs, p)
	}
	if r.IntN(2) == 0 {
		h := time.Unix(int64(r.Uint32()), 0).UTC()
		o.Hours = &h
	}
	o.Bools = [3]bool{r.IntN(2) == 0, true, false}
	for range r.IntN(3) {
		var l []uint16
		for range r.IntN(3) {
			l = append(l, uint16(r.Uint32()))
		}
		o.Lists = append(o.Lists, l)
	}
	return o
}

// RandomFixed returns a random Fixed.
func RandomFixed(r *rand.Rand) Fixed {
	f := Fixed{ID: r.Uint64(), Class: Class(r.Uint32()), Last: r.IntN(2) == 0}
	for i := range f.Flags {
		f.Flags[i] = r.IntN(2) == 0
	}
	for i := range f.Grid {
		f.Grid[i] = [2]int16{int16(r.Uint32()), int16(r.Uint32())}
	}
	for i := range f.Digest {
		f.Digest[i] = byte(r.Uint32())
	}
	f.Pos.X, f.Pos.Y = float32(randFloat(r)), float32(r.NormFloat64())
	for i := range f.Temps {
		f.Temps[i].Lo, f.Temps[i].Hi = int8(r.Uint32()), int8(r.Uint32())
	}
	return f
}
