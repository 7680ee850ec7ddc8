package lattices

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/hydrogo/hydro/netio"
)

// Binary encoding.
//
// The lattice types hold their state in unexported fields and are generic in
// the types of their elements, so they cannot be encoded field by field by a
// code generator. Each instead has two methods that take one function per
// data type parameter, which encodes or decodes one value of that type:
//
//	func (x *T) AppendWith(dst []byte, f1 func([]byte, *X1) []byte, ...) []byte
//	func (x *T) DecodeWith(src []byte, f1 func([]byte, *X1) (int, error), ...) (int, error)
//
// Hydrogen reads the instantiated signatures, generates the codecs of X1, ...
// and passes them. The encodings are described in docs/lattices.md. Maps and
// sets are encoded in iteration order, so equal values may have different
// encodings. Every DecodeWith decodes into the receiver completely, never
// panics, allocates in proportion to the input, and rejects input that
// describes no valid value with an error wrapping ErrInvalid.
//
// Pair and DomPair hold their components in exported fields and have no such
// methods: they are encoded as structs, component by component.

// ErrInvalid is wrapped by the errors of DecodeWith and UnmarshalJSON for
// input that is well formed but describes no value of the lattice, such as an
// SSIV item at or beyond its seal or a set holding an element twice.
var ErrInvalid = errors.New("not a valid lattice value")

// decodeError reports err, met while decoding a value of the named lattice
// type.
func decodeError(typ string, err error) error {
	return fmt.Errorf("lattices: decode %s: %w", typ, err)
}

// invalid reports input describing no value of the named lattice type.
func invalid(typ, format string, args ...any) error {
	return fmt.Errorf("lattices: decode %s: %s: %w", typ, fmt.Sprintf(format, args...), ErrInvalid)
}

// decodeTag decodes a state byte that must be at most maxTag.
func decodeTag(typ string, src []byte, maxTag byte) (byte, error) {
	if len(src) == 0 {
		return 0, decodeError(typ, netio.ErrShort)
	}
	if src[0] > maxTag {
		return 0, invalid(typ, "state byte %d", src[0])
	}
	return src[0], nil
}

// decodeIndex decodes a uvarint that must fit an int: a length or a position.
func decodeIndex(src []byte) (int, int, error) {
	u, n, err := netio.DecodeUvarint(src)
	if err != nil {
		return 0, 0, err
	}
	if u > math.MaxInt {
		return 0, 0, netio.ErrOverflow
	}
	return int(u), n, nil
}

// The methods of Max, Min, Conflict, WithBot and WithTop are small enough to
// be inlined, so that the compiler calls the codec functions passed to them
// directly and the value they encode or decode need not escape to the heap.
// Their errors are prepared in advance for the same reason, and the errors
// of the codec functions are returned as they are. LWW's methods, which read
// a timestamp as well, are too large to be inlined but follow the same style.
var (
	errMaxShort      = decodeError("Max", netio.ErrShort)
	errMaxState      = invalid("Max", "state byte above 1")
	errMinShort      = decodeError("Min", netio.ErrShort)
	errMinState      = invalid("Min", "state byte above 1")
	errConflictShort = decodeError("Conflict", netio.ErrShort)
	errConflictState = invalid("Conflict", "state byte above 2")
	errLWWShort      = decodeError("LWW", netio.ErrShort)
	errLWWState      = invalid("LWW", "state byte above 2")
	errWithBotShort  = decodeError("WithBot", netio.ErrShort)
	errWithBotState  = invalid("WithBot", "state byte above 1")
	errWithTopShort  = decodeError("WithTop", netio.ErrShort)
	errWithTopState  = invalid("WithTop", "state byte above 1")
)

// AppendWith appends the binary encoding of m to dst, using f for the value:
// a 0 byte for bottom, or a 1 byte followed by the value.
func (m *Max[T]) AppendWith(dst []byte, f func([]byte, *T) []byte) []byte {
	if !m.ok {
		return append(dst, 0)
	}
	return f(append(dst, 1), &m.v)
}

// DecodeWith decodes a Max written by AppendWith from the start of src into
// m, using f for the value, and returns the number of bytes read. Errors of
// f are returned as they are.
func (m *Max[T]) DecodeWith(src []byte, f func([]byte, *T) (int, error)) (int, error) {
	switch {
	case len(src) == 0:
		return 0, errMaxShort
	case src[0] > 1:
		return 0, errMaxState
	}
	*m = Max[T]{}
	if src[0] == 0 {
		return 1, nil
	}
	n, err := f(src[1:], &m.v)
	m.ok = err == nil
	return 1 + n, err
}

// AppendWith appends the binary encoding of m to dst, using f for the value:
// a 0 byte for bottom, or a 1 byte followed by the value.
func (m *Min[T]) AppendWith(dst []byte, f func([]byte, *T) []byte) []byte {
	if !m.ok {
		return append(dst, 0)
	}
	return f(append(dst, 1), &m.v)
}

// DecodeWith decodes a Min written by AppendWith from the start of src into
// m, using f for the value, and returns the number of bytes read. Errors of
// f are returned as they are.
func (m *Min[T]) DecodeWith(src []byte, f func([]byte, *T) (int, error)) (int, error) {
	switch {
	case len(src) == 0:
		return 0, errMinShort
	case src[0] > 1:
		return 0, errMinState
	}
	*m = Min[T]{}
	if src[0] == 0 {
		return 1, nil
	}
	n, err := f(src[1:], &m.v)
	m.ok = err == nil
	return 1 + n, err
}

// AppendWith appends the binary encoding of c to dst, using f for the value:
// a 0 byte for bottom, a 1 byte followed by the value, or a 2 byte for the
// conflict.
func (c *Conflict[T]) AppendWith(dst []byte, f func([]byte, *T) []byte) []byte {
	if c.state != conflictValue {
		return append(dst, byte(c.state))
	}
	return f(append(dst, byte(conflictValue)), &c.v)
}

// DecodeWith decodes a Conflict written by AppendWith from the start of src
// into c, using f for the value, and returns the number of bytes read.
// Errors of f are returned as they are.
func (c *Conflict[T]) DecodeWith(src []byte, f func([]byte, *T) (int, error)) (int, error) {
	switch {
	case len(src) == 0:
		return 0, errConflictShort
	case src[0] > byte(conflictTop):
		return 0, errConflictState
	}
	*c = Conflict[T]{state: conflictState(src[0])}
	if c.state != conflictValue {
		return 1, nil
	}
	n, err := f(src[1:], &c.v)
	if err != nil {
		c.state = conflictBot
	}
	return 1 + n, err
}

// AppendWith appends the binary encoding of r to dst, using f for the value:
// a 0 byte if r was never written; a 1 byte, the timestamp (8 bytes, little
// endian) and the value; or a 2 byte and the timestamp if the timestamp holds
// conflicting values.
func (r *LWW[T]) AppendWith(dst []byte, f func([]byte, *T) []byte) []byte {
	if !r.p.Key.ok {
		return append(dst, 0)
	}
	if r.p.Val.state == conflictTop {
		return netio.AppendUint64(append(dst, 2), r.p.Key.v)
	}
	return f(netio.AppendUint64(append(dst, 1), r.p.Key.v), &r.p.Val.v)
}

// DecodeWith decodes an LWW written by AppendWith from the start of src into
// r, using f for the value, and returns the number of bytes read. Errors of
// f are returned as they are.
func (r *LWW[T]) DecodeWith(src []byte, f func([]byte, *T) (int, error)) (int, error) {
	switch {
	case len(src) == 0:
		return 0, errLWWShort
	case src[0] > 2:
		return 0, errLWWState
	case src[0] != 0 && len(src) < 9:
		return 0, errLWWShort
	}
	*r = LWW[T]{}
	if src[0] == 0 {
		return 1, nil
	}
	r.p.Key = Max[uint64]{v: binary.LittleEndian.Uint64(src[1:]), ok: true}
	r.p.Val.state = conflictTop
	if src[0] == 2 {
		return 9, nil
	}
	n, err := f(src[9:], &r.p.Val.v)
	r.p.Val.state = conflictValue
	if err != nil {
		*r = LWW[T]{}
	}
	return 9 + n, err
}

// AppendWith appends the binary encoding of s to dst, using f for the
// elements: their count, as netio.AppendLen writes it, and each element, in
// no particular order.
func (s *SetUnion[T]) AppendWith(dst []byte, f func([]byte, *T) []byte) []byte {
	dst = netio.AppendLen(dst, len(s.m))
	var x T // One variable for all elements: f may keep its address.
	for v := range s.m {
		x = v
		dst = f(dst, &x)
	}
	return dst
}

// DecodeWith decodes a SetUnion written by AppendWith from the start of src
// into s, using f for the elements, and returns the number of bytes read. A
// repeated element is an error.
func (s *SetUnion[T]) DecodeWith(src []byte, f func([]byte, *T) (int, error)) (int, error) {
	s.m = nil
	count, n, err := netio.DecodeLen(src, 1)
	if err != nil {
		return 0, decodeError("SetUnion", err)
	}
	if count == 0 {
		return n, nil
	}
	m := make(map[T]struct{}, sizeHint(count))
	var x T
	for i := range count {
		x = *new(T)
		k, err := f(src[n:], &x)
		if err != nil {
			return 0, decodeError("SetUnion", fmt.Errorf("element %d: %w", i, err))
		}
		n += k
		if _, dup := m[x]; dup {
			return 0, invalid("SetUnion", "element %d repeats an earlier one", i)
		}
		m[x] = struct{}{}
	}
	s.m = m
	return n, nil
}

// AppendWith appends the binary encoding of u to dst, using fk for the keys
// and fv for the values: the number of keys, as netio.AppendLen writes it,
// and each key followed by its value, in no particular order.
func (u *MapUnion[K, V, PV]) AppendWith(dst []byte, fk func([]byte, *K) []byte, fv func([]byte, *V) []byte) []byte {
	dst = netio.AppendLen(dst, len(u.m))
	var x K // One variable for all keys: fk may keep its address.
	for k, p := range u.m {
		x = k
		dst = fv(fk(dst, &x), p)
	}
	return dst
}

// DecodeWith decodes a MapUnion written by AppendWith from the start of src
// into u, using fk for the keys and fv for the values, and returns the
// number of bytes read. A repeated key or a bottom value is an error: a
// MapUnion holds neither.
func (u *MapUnion[K, V, PV]) DecodeWith(src []byte, fk func([]byte, *K) (int, error), fv func([]byte, *V) (int, error)) (int, error) {
	u.m = nil
	m, n, err := decodeMap[K, V, PV]("MapUnion", src, fk, fv)
	if err != nil {
		return 0, err
	}
	u.m = m
	return n, nil
}

// decodeMap decodes the map of a MapUnion, or of the named type built on
// one.
func decodeMap[K comparable, V any, PV Lattice[V]](typ string, src []byte, fk func([]byte, *K) (int, error), fv func([]byte, *V) (int, error)) (map[K]*V, int, error) {
	count, n, err := netio.DecodeLen(src, 1)
	if err != nil {
		return nil, 0, decodeError(typ, err)
	}
	if count == 0 {
		return nil, n, nil
	}
	m := make(map[K]*V, sizeHint(count))
	var x K
	for i := range count {
		x = *new(K)
		k, err := fk(src[n:], &x)
		if err != nil {
			return nil, 0, decodeError(typ, fmt.Errorf("key %d: %w", i, err))
		}
		n += k
		p := new(V)
		if k, err = fv(src[n:], p); err != nil {
			return nil, 0, decodeError(typ, fmt.Errorf("value %d: %w", i, err))
		}
		n += k
		if _, dup := m[x]; dup {
			return nil, 0, invalid(typ, "key %d repeats an earlier one", i)
		}
		if PV(p).IsBot() {
			return nil, 0, invalid(typ, "value %d is bottom", i)
		}
		m[x] = p
	}
	return m, n, nil
}

// AppendWith appends the binary encoding of c to dst, using f for the nodes:
// the number of nodes, as netio.AppendLen writes it, and each node followed
// by its count as a uvarint, in no particular order.
func (c *GCounter[N]) AppendWith(dst []byte, f func([]byte, *N) []byte) []byte {
	dst = netio.AppendLen(dst, len(c.m.m))
	var x N // One variable for all nodes: f may keep its address.
	for node, p := range c.m.m {
		x = node
		dst = netio.AppendUvarint(f(dst, &x), p.v)
	}
	return dst
}

// DecodeWith decodes a GCounter written by AppendWith from the start of src
// into c, using f for the nodes, and returns the number of bytes read. A
// repeated node or a zero count is an error: no GCounter holds either.
func (c *GCounter[N]) DecodeWith(src []byte, f func([]byte, *N) (int, error)) (int, error) {
	c.m.m = nil
	count, n, err := netio.DecodeLen(src, 1)
	if err != nil {
		return 0, decodeError("GCounter", err)
	}
	if count == 0 {
		return n, nil
	}
	m := make(map[N]*Max[uint64], sizeHint(count))
	var x N
	for i := range count {
		x = *new(N)
		k, err := f(src[n:], &x)
		if err != nil {
			return 0, decodeError("GCounter", fmt.Errorf("node %d: %w", i, err))
		}
		n += k
		v, k, err := netio.DecodeUvarint(src[n:])
		if err != nil {
			return 0, decodeError("GCounter", fmt.Errorf("count %d: %w", i, err))
		}
		n += k
		if _, dup := m[x]; dup {
			return 0, invalid("GCounter", "node %d repeats an earlier one", i)
		}
		if v == 0 {
			return 0, invalid("GCounter", "count %d is zero", i)
		}
		m[x] = &Max[uint64]{v: v, ok: true}
	}
	c.m.m = m
	return n, nil
}

// AppendWith appends the binary encoding of v to dst, using f for the
// elements: the length, as netio.AppendLen writes it, and the elements in
// order.
func (v *VecUnion[L, PL]) AppendWith(dst []byte, f func([]byte, *L) []byte) []byte {
	dst = netio.AppendLen(dst, len(v.s))
	for i := range v.s {
		dst = f(dst, &v.s[i])
	}
	return dst
}

// DecodeWith decodes a VecUnion written by AppendWith from the start of src
// into v, using f for the elements, and returns the number of bytes read.
func (v *VecUnion[L, PL]) DecodeWith(src []byte, f func([]byte, *L) (int, error)) (int, error) {
	v.s = nil
	count, n, err := netio.DecodeLen(src, 1)
	if err != nil {
		return 0, decodeError("VecUnion", err)
	}
	if count == 0 {
		return n, nil
	}
	s := make([]L, 0, sizeHint(count))
	for i := range count {
		s = append(s, *new(L))
		k, err := f(src[n:], &s[i])
		if err != nil {
			return 0, decodeError("VecUnion", fmt.Errorf("element %d: %w", i, err))
		}
		n += k
	}
	v.s = s
	return n, nil
}

// AppendWith appends the binary encoding of w to dst, using f for the value:
// a 0 byte for bottom, or a 1 byte followed by the value.
func (w *WithBot[L, PL]) AppendWith(dst []byte, f func([]byte, *L) []byte) []byte {
	if !w.ok {
		return append(dst, 0)
	}
	return f(append(dst, 1), &w.v)
}

// DecodeWith decodes a WithBot written by AppendWith from the start of src
// into w, using f for the value, and returns the number of bytes read.
// Errors of f are returned as they are.
func (w *WithBot[L, PL]) DecodeWith(src []byte, f func([]byte, *L) (int, error)) (int, error) {
	switch {
	case len(src) == 0:
		return 0, errWithBotShort
	case src[0] > 1:
		return 0, errWithBotState
	}
	*w = WithBot[L, PL]{}
	if src[0] == 0 {
		return 1, nil
	}
	n, err := f(src[1:], &w.v)
	w.ok = err == nil
	return 1 + n, err
}

// AppendWith appends the binary encoding of w to dst, using f for the value:
// a 0 byte followed by the value, or a 1 byte for top.
func (w *WithTop[L, PL]) AppendWith(dst []byte, f func([]byte, *L) []byte) []byte {
	if w.top {
		return append(dst, 1)
	}
	return f(append(dst, 0), &w.v)
}

// DecodeWith decodes a WithTop written by AppendWith from the start of src
// into w, using f for the value, and returns the number of bytes read.
// Errors of f are returned as they are.
func (w *WithTop[L, PL]) DecodeWith(src []byte, f func([]byte, *L) (int, error)) (int, error) {
	switch {
	case len(src) == 0:
		return 0, errWithTopShort
	case src[0] > 1:
		return 0, errWithTopState
	}
	*w = WithTop[L, PL]{top: src[0] == 1}
	if w.top {
		return 1, nil
	}
	n, err := f(src[1:], &w.v)
	return 1 + n, err
}

// AppendWith appends the binary encoding of b to dst, using f for the items:
// a 0 byte for bottom; a 2 byte for the conflict; or a 1 byte, the length of
// the sequence as a uvarint, the number of items, as netio.AppendLen writes
// it, and the items in order.
func (b *BoundedPrefix[T]) AppendWith(dst []byte, f func([]byte, *T) []byte) []byte {
	dst = append(dst, byte(b.state))
	if b.state != prefixKnown {
		return dst
	}
	dst = netio.AppendUvarint(dst, uint64(b.length))
	dst = netio.AppendLen(dst, len(b.items))
	for i := range b.items {
		dst = f(dst, &b.items[i])
	}
	return dst
}

// DecodeWith decodes a BoundedPrefix written by AppendWith from the start of
// src into b, using f for the items, and returns the number of bytes read.
// A prefix longer than the length of its sequence is an error.
func (b *BoundedPrefix[T]) DecodeWith(src []byte, f func([]byte, *T) (int, error)) (int, error) {
	*b = BoundedPrefix[T]{}
	tag, err := decodeTag("BoundedPrefix", src, byte(prefixConflict))
	if err != nil {
		return 0, err
	}
	if prefixState(tag) != prefixKnown {
		b.state = prefixState(tag)
		return 1, nil
	}
	n := 1
	length, k, err := decodeIndex(src[n:])
	if err != nil {
		return 0, decodeError("BoundedPrefix", fmt.Errorf("length: %w", err))
	}
	n += k
	count, k, err := netio.DecodeLen(src[n:], 1)
	if err != nil {
		return 0, decodeError("BoundedPrefix", err)
	}
	n += k
	if count > length {
		return 0, invalid("BoundedPrefix", "%d items in a sequence of length %d", count, length)
	}
	var items []T
	if count > 0 {
		items = make([]T, 0, sizeHint(count))
	}
	for i := range count {
		items = append(items, *new(T))
		if k, err = f(src[n:], &items[i]); err != nil {
			return 0, decodeError("BoundedPrefix", fmt.Errorf("item %d: %w", i, err))
		}
		n += k
	}
	*b = BoundedPrefix[T]{items: items, length: length, state: prefixKnown}
	return n, nil
}

// SSIV encoding states.
const (
	ssivOpenTag     = 0
	ssivSealedTag   = 1
	ssivConflictTag = 2
)

// AppendWith appends the binary encoding of s to dst, using f for the
// values: a 2 byte for the conflict; or a 0 byte if s is not sealed, or a 1
// byte followed by the seal as a uvarint if it is, then the number of items,
// as netio.AppendLen writes it, and each item as its position (a uvarint)
// followed by its value, in order of position (a decoder accepts any order).
func (s *SSIV[T]) AppendWith(dst []byte, f func([]byte, *T) []byte) []byte {
	switch {
	case s.state&ssivConflict != 0:
		return append(dst, ssivConflictTag)
	case s.state&ssivSealed != 0:
		dst = netio.AppendUvarint(append(dst, ssivSealedTag), uint64(s.length))
	default:
		dst = append(dst, ssivOpenTag)
	}
	dst = netio.AppendLen(dst, len(s.items))
	for i := range s.items {
		dst = f(netio.AppendUvarint(dst, uint64(s.items[i].pos)), &s.items[i].val)
	}
	return dst
}

// DecodeWith decodes an SSIV written by AppendWith from the start of src into
// s, using f for the values, and returns the number of bytes read. A repeated
// position or a position at or beyond the seal is an error. The items are
// stored anew: s may share its old ones with a copy.
func (s *SSIV[T]) DecodeWith(src []byte, f func([]byte, *T) (int, error)) (int, error) {
	*s = SSIV[T]{}
	tag, err := decodeTag("SSIV", src, ssivConflictTag)
	if err != nil {
		return 0, err
	}
	n := 1
	var d SSIV[T]
	switch tag {
	case ssivConflictTag:
		s.state = ssivConflict
		return n, nil
	case ssivSealedTag:
		length, k, err := decodeIndex(src[n:])
		if err != nil {
			return 0, decodeError("SSIV", fmt.Errorf("seal: %w", err))
		}
		n += k
		d.length, d.state = length, ssivSealed
	}
	count, k, err := netio.DecodeLen(src[n:], 1)
	if err != nil {
		return 0, decodeError("SSIV", err)
	}
	n += k
	if d.state == ssivSealed && count > d.length {
		return 0, invalid("SSIV", "%d items in a sequence sealed at %d", count, d.length)
	}
	var items []ssivItem[T]
	if count > 0 {
		items = make([]ssivItem[T], 0, sizeHint(count))
	}
	sorted := true
	for i := range count {
		pos, k, err := decodeIndex(src[n:])
		if err != nil {
			return 0, decodeError("SSIV", fmt.Errorf("position of item %d: %w", i, err))
		}
		n += k
		if d.state == ssivSealed && pos >= d.length {
			return 0, invalid("SSIV", "position %d at or beyond the seal %d", pos, d.length)
		}
		items = append(items, ssivItem[T]{pos: pos})
		if k, err = f(src[n:], &items[i].val); err != nil {
			return 0, decodeError("SSIV", fmt.Errorf("value of item %d: %w", i, err))
		}
		n += k
		if i > 0 && items[i-1].pos >= pos {
			sorted = false
		}
	}
	if !sorted {
		slices.SortFunc(items, func(a, b ssivItem[T]) int { return cmp.Compare(a.pos, b.pos) })
	}
	for i := 1; i < len(items); i++ {
		if items[i-1].pos == items[i].pos {
			return 0, invalid("SSIV", "position %d appears twice", items[i].pos)
		}
	}
	if len(items) > 0 {
		d.items = items
	}
	*s = d
	return n, nil
}

// maxSizeHint bounds how many elements a decoder allocates room for before
// decoding them. A count is only checked against one byte per element, and
// an element may take far more memory than its smallest encoding, so
// trusting the count would let a short malformed frame allocate much more
// than its size; past the hint, storage grows with what actually decodes.
const maxSizeHint = 16

func sizeHint(count int) int { return min(count, maxSizeHint) }
