package lattices

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
)

// JSON encoding.
//
// The types with unexported state implement json.Marshaler and
// json.Unmarshaler, so that items holding them can be printed and read as
// JSON; the shapes are listed in docs/lattices.md. Bottom is null wherever
// that is unambiguous, other special elements are objects with a "conflict"
// or "top" member, and values that could themselves be null are wrapped in
// {"value": ...}. Sets and maps marshal in a deterministic order. Unmarshal
// rejects unknown members and, like DecodeWith, input that describes no
// valid value, with an error wrapping ErrInvalid.

// jsonError reports a problem unmarshaling a value of the named lattice type.
func jsonError(typ string, err error) error {
	return fmt.Errorf("lattices: unmarshal %s: %w", typ, err)
}

// jsonInvalid reports JSON describing no value of the named lattice type.
func jsonInvalid(typ, format string, args ...any) error {
	return fmt.Errorf("lattices: unmarshal %s: %s: %w", typ, fmt.Sprintf(format, args...), ErrInvalid)
}

// isNull reports whether data is the JSON null.
func isNull(data []byte) bool {
	return string(bytes.TrimSpace(data)) == "null"
}

// strictUnmarshal unmarshals data into v, rejecting object members that v
// has no field for.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// unmarshalTagged unmarshals data, an object with exactly one member: either
// "value", which it unmarshals into v, or special ("conflict" or "top") set
// to true, in which case it reports true. An empty special allows only
// "value".
func unmarshalTagged(typ string, data []byte, special string, v any) (bool, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return false, jsonError(typ, err)
	}
	want := `a "value" member`
	if special != "" {
		want = fmt.Sprintf(`one member, "value" or %q`, special)
	}
	if len(obj) != 1 {
		return false, jsonInvalid(typ, "want %s", want)
	}
	if raw, ok := obj[special]; ok && special != "" {
		if string(bytes.TrimSpace(raw)) != "true" {
			return false, jsonInvalid(typ, "%q is not true", special)
		}
		return true, nil
	}
	raw, ok := obj["value"]
	if !ok {
		return false, jsonInvalid(typ, "want %s", want)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, jsonError(typ, err)
	}
	return false, nil
}

// MarshalJSON encodes m as its value, or null for bottom.
func (m Max[T]) MarshalJSON() ([]byte, error) {
	if !m.ok {
		return []byte("null"), nil
	}
	return json.Marshal(m.v)
}

// UnmarshalJSON decodes m from the JSON written by MarshalJSON.
func (m *Max[T]) UnmarshalJSON(data []byte) error {
	*m = Max[T]{}
	if isNull(data) {
		return nil
	}
	if err := json.Unmarshal(data, &m.v); err != nil {
		*m = Max[T]{}
		return jsonError("Max", err)
	}
	m.ok = true
	return nil
}

// MarshalJSON encodes m as its value, or null for bottom.
func (m Min[T]) MarshalJSON() ([]byte, error) {
	if !m.ok {
		return []byte("null"), nil
	}
	return json.Marshal(m.v)
}

// UnmarshalJSON decodes m from the JSON written by MarshalJSON.
func (m *Min[T]) UnmarshalJSON(data []byte) error {
	*m = Min[T]{}
	if isNull(data) {
		return nil
	}
	if err := json.Unmarshal(data, &m.v); err != nil {
		*m = Min[T]{}
		return jsonError("Min", err)
	}
	m.ok = true
	return nil
}

// MarshalJSON encodes c as null for bottom, {"value": v} for a value, or
// {"conflict": true} for the conflict.
func (c Conflict[T]) MarshalJSON() ([]byte, error) {
	switch c.state {
	case conflictBot:
		return []byte("null"), nil
	case conflictTop:
		return []byte(`{"conflict":true}`), nil
	}
	return json.Marshal(struct {
		Value *T `json:"value"`
	}{&c.v})
}

// UnmarshalJSON decodes c from the JSON written by MarshalJSON.
func (c *Conflict[T]) UnmarshalJSON(data []byte) error {
	*c = Conflict[T]{}
	if isNull(data) {
		return nil
	}
	top, err := unmarshalTagged("Conflict", data, "conflict", &c.v)
	switch {
	case err != nil:
		*c = Conflict[T]{}
		return err
	case top:
		c.state = conflictTop
	default:
		c.state = conflictValue
	}
	return nil
}

// lwwJSON is the JSON object of a written LWW register.
type lwwJSON struct {
	TS       *uint64         `json:"ts"`
	Value    json.RawMessage `json:"value,omitempty"`
	Conflict bool            `json:"conflict,omitempty"`
}

// MarshalJSON encodes r as null if it was never written, as {"ts": ts,
// "value": v} for its latest write, or as {"ts": ts, "conflict": true} if
// its latest timestamp holds conflicting values.
func (r LWW[T]) MarshalJSON() ([]byte, error) {
	ts, ok := r.p.Key.Value()
	if !ok {
		return []byte("null"), nil
	}
	if r.p.Val.IsTop() {
		return json.Marshal(lwwJSON{TS: &ts, Conflict: true})
	}
	v, err := json.Marshal(&r.p.Val.v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(lwwJSON{TS: &ts, Value: v})
}

// UnmarshalJSON decodes r from the JSON written by MarshalJSON.
func (r *LWW[T]) UnmarshalJSON(data []byte) error {
	*r = LWW[T]{}
	if isNull(data) {
		return nil
	}
	var j lwwJSON
	if err := strictUnmarshal(data, &j); err != nil {
		return jsonError("LWW", err)
	}
	switch {
	case j.TS == nil:
		return jsonInvalid("LWW", "no \"ts\" member")
	case j.Conflict && j.Value != nil:
		return jsonInvalid("LWW", "both \"conflict\" and \"value\"")
	case j.Conflict:
		r.p.Key = NewMax(*j.TS)
		r.p.Val.state = conflictTop
		return nil
	case j.Value == nil:
		return jsonInvalid("LWW", "want a \"value\" or \"conflict\" member")
	}
	if err := json.Unmarshal(j.Value, &r.p.Val.v); err != nil {
		*r = LWW[T]{}
		return jsonError("LWW", err)
	}
	r.p.Key = NewMax(*j.TS)
	r.p.Val.state = conflictValue
	return nil
}

// marshalSorted encodes each element yielded by each and returns them as a
// JSON array sorted by their encodings.
func marshalSorted(n int, each func(yield func(v any) bool)) ([]byte, error) {
	elems := make([][]byte, 0, n)
	var err error
	each(func(v any) bool {
		var b []byte
		b, err = json.Marshal(v)
		elems = append(elems, b)
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(elems, bytes.Compare)
	var b bytes.Buffer
	b.WriteByte('[')
	for i, e := range elems {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(e)
	}
	b.WriteByte(']')
	return b.Bytes(), nil
}

// MarshalJSON encodes s as an array of its elements, sorted by their JSON
// encodings.
func (s SetUnion[T]) MarshalJSON() ([]byte, error) {
	return marshalSorted(len(s.m), func(yield func(any) bool) {
		for v := range s.m {
			if !yield(v) {
				return
			}
		}
	})
}

// UnmarshalJSON decodes s from an array of elements; null is the empty set.
// A repeated element is an error.
func (s *SetUnion[T]) UnmarshalJSON(data []byte) error {
	s.m = nil
	var elems []T
	if err := json.Unmarshal(data, &elems); err != nil {
		return jsonError("SetUnion", err)
	}
	if len(elems) == 0 {
		return nil
	}
	m := make(map[T]struct{}, len(elems))
	for i, v := range elems {
		if _, dup := m[v]; dup {
			return jsonInvalid("SetUnion", "element %d repeats an earlier one", i)
		}
		m[v] = struct{}{}
	}
	s.m = m
	return nil
}

// MarshalJSON encodes u as an object from keys to values, as encoding/json
// encodes a map[K]V: K must be a string, an integer or an
// encoding.TextMarshaler.
func (u MapUnion[K, V, PV]) MarshalJSON() ([]byte, error) {
	m := make(map[K]*V, len(u.m))
	for k, p := range u.m {
		m[k] = p
	}
	return json.Marshal(m)
}

// UnmarshalJSON decodes u from the JSON object written by MarshalJSON; null
// is the empty map. A bottom value is an error; as for any map, the last of
// repeated keys wins.
func (u *MapUnion[K, V, PV]) UnmarshalJSON(data []byte) error {
	u.m = nil
	var m map[K]*V
	if err := json.Unmarshal(data, &m); err != nil {
		return jsonError("MapUnion", err)
	}
	for k, p := range m {
		if p == nil || PV(p).IsBot() {
			return jsonInvalid("MapUnion", "the value of key %v is bottom", k)
		}
	}
	if len(m) > 0 {
		u.m = m
	}
	return nil
}

// MarshalJSON encodes c as an object from nodes to their counts, as
// encoding/json encodes a map[N]uint64: N must be a string, an integer or an
// encoding.TextMarshaler.
func (c GCounter[N]) MarshalJSON() ([]byte, error) {
	m := make(map[N]uint64, len(c.m.m))
	for k, p := range c.m.m {
		m[k] = p.v
	}
	return json.Marshal(m)
}

// UnmarshalJSON decodes c from the JSON object written by MarshalJSON; null
// is the zero counter. A zero count is an error.
func (c *GCounter[N]) UnmarshalJSON(data []byte) error {
	c.m.m = nil
	var m map[N]uint64
	if err := json.Unmarshal(data, &m); err != nil {
		return jsonError("GCounter", err)
	}
	if len(m) == 0 {
		return nil
	}
	mm := make(map[N]*Max[uint64], len(m))
	for k, v := range m {
		if v == 0 {
			return jsonInvalid("GCounter", "the count of node %v is zero", k)
		}
		mm[k] = &Max[uint64]{v: v, ok: true}
	}
	c.m.m = mm
	return nil
}

// MarshalJSON encodes v as an array of its elements, in order.
func (v VecUnion[L, PL]) MarshalJSON() ([]byte, error) {
	if v.s == nil {
		return []byte("[]"), nil
	}
	return json.Marshal(v.s)
}

// UnmarshalJSON decodes v from an array of elements; null is the empty
// vector.
func (v *VecUnion[L, PL]) UnmarshalJSON(data []byte) error {
	v.s = nil
	var s []L
	if err := json.Unmarshal(data, &s); err != nil {
		return jsonError("VecUnion", err)
	}
	if len(s) > 0 {
		v.s = s
	}
	return nil
}

// MarshalJSON encodes w as null for bottom, or as {"value": v}.
func (w WithBot[L, PL]) MarshalJSON() ([]byte, error) {
	if !w.ok {
		return []byte("null"), nil
	}
	return json.Marshal(struct {
		Value *L `json:"value"`
	}{&w.v})
}

// UnmarshalJSON decodes w from the JSON written by MarshalJSON.
func (w *WithBot[L, PL]) UnmarshalJSON(data []byte) error {
	*w = WithBot[L, PL]{}
	if isNull(data) {
		return nil
	}
	if _, err := unmarshalTagged("WithBot", data, "", &w.v); err != nil {
		*w = WithBot[L, PL]{}
		return err
	}
	w.ok = true
	return nil
}

// MarshalJSON encodes w as {"top": true} for top, or as {"value": v}.
func (w WithTop[L, PL]) MarshalJSON() ([]byte, error) {
	if w.top {
		return []byte(`{"top":true}`), nil
	}
	return json.Marshal(struct {
		Value *L `json:"value"`
	}{&w.v})
}

// UnmarshalJSON decodes w from the JSON written by MarshalJSON.
func (w *WithTop[L, PL]) UnmarshalJSON(data []byte) error {
	*w = WithTop[L, PL]{}
	top, err := unmarshalTagged("WithTop", data, "top", &w.v)
	if err != nil {
		*w = WithTop[L, PL]{}
		return err
	}
	w.top = top
	return nil
}

// prefixJSON is the JSON object of a BoundedPrefix.
type prefixJSON[T any] struct {
	Items    []T  `json:"items,omitempty"`
	Len      *int `json:"len,omitempty"`
	Conflict bool `json:"conflict,omitempty"`
}

// MarshalJSON encodes b as null for bottom, as {"items": [...], "len": n}
// for a prefix of a sequence of length n, or as {"conflict": true}.
func (b BoundedPrefix[T]) MarshalJSON() ([]byte, error) {
	switch b.state {
	case prefixBot:
		return []byte("null"), nil
	case prefixConflict:
		return []byte(`{"conflict":true}`), nil
	}
	items := b.items
	if items == nil {
		items = []T{}
	}
	return json.Marshal(struct {
		Items []T `json:"items"`
		Len   int `json:"len"`
	}{items, b.length})
}

// UnmarshalJSON decodes b from the JSON written by MarshalJSON. A prefix
// longer than its sequence is an error.
func (b *BoundedPrefix[T]) UnmarshalJSON(data []byte) error {
	*b = BoundedPrefix[T]{}
	if isNull(data) {
		return nil
	}
	var j prefixJSON[T]
	if err := strictUnmarshal(data, &j); err != nil {
		return jsonError("BoundedPrefix", err)
	}
	switch {
	case j.Conflict && (j.Len != nil || j.Items != nil):
		return jsonInvalid("BoundedPrefix", "\"conflict\" with other members")
	case j.Conflict:
		b.state = prefixConflict
		return nil
	case j.Len == nil:
		return jsonInvalid("BoundedPrefix", "no \"len\" member")
	case *j.Len < len(j.Items):
		return jsonInvalid("BoundedPrefix", "%d items in a sequence of length %d", len(j.Items), *j.Len)
	}
	if len(j.Items) == 0 {
		j.Items = nil
	}
	*b = BoundedPrefix[T]{items: j.Items, length: *j.Len, state: prefixKnown}
	return nil
}

// ssivJSON is the JSON object of an SSIV.
type ssivJSON[T any] struct {
	Items    map[int]T `json:"items,omitempty"`
	Len      *int      `json:"len,omitempty"`
	Conflict bool      `json:"conflict,omitempty"`
}

// MarshalJSON encodes s as {"items": {"pos": v, ...}, "len": n}, without
// "len" if s is not sealed, or as {"conflict": true}.
func (s SSIV[T]) MarshalJSON() ([]byte, error) {
	if s.Conflicted() {
		return []byte(`{"conflict":true}`), nil
	}
	j := struct {
		Items map[int]T `json:"items"`
		Len   *int      `json:"len,omitempty"`
	}{Items: make(map[int]T, len(s.items))}
	for _, it := range s.items {
		j.Items[it.pos] = it.val
	}
	if s.state&ssivSealed != 0 {
		j.Len = &s.length
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes s from the JSON written by MarshalJSON. A negative
// position, or one at or beyond the seal, is an error.
func (s *SSIV[T]) UnmarshalJSON(data []byte) error {
	*s = SSIV[T]{}
	var j ssivJSON[T]
	if err := strictUnmarshal(data, &j); err != nil {
		return jsonError("SSIV", err)
	}
	if j.Conflict {
		if j.Len != nil || j.Items != nil {
			return jsonInvalid("SSIV", "\"conflict\" with other members")
		}
		s.state = ssivConflict
		return nil
	}
	var d SSIV[T]
	if j.Len != nil {
		if *j.Len < 0 {
			return jsonInvalid("SSIV", "negative seal %d", *j.Len)
		}
		d.length, d.state = *j.Len, ssivSealed
	}
	for pos, v := range j.Items {
		switch {
		case pos < 0:
			return jsonInvalid("SSIV", "negative position %d", pos)
		case d.state == ssivSealed && pos >= d.length:
			return jsonInvalid("SSIV", "position %d at or beyond the seal %d", pos, d.length)
		}
		d.items = append(d.items, ssivItem[T]{pos, v})
	}
	slices.SortFunc(d.items, func(a, b ssivItem[T]) int { return cmp.Compare(a.pos, b.pos) })
	*s = d
	return nil
}
