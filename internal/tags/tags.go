// Package tags parses and validates the `hydro:"..."` struct tags that declare
// keys, functional dependencies and lattice fields of element types. It works
// on plain descriptions of fields so that the interpreter (which sees types
// through reflect) and the compiler (which sees them through go/types) derive
// the same schema from the same source.
//
// Grammar of the tag value (comma separated options, in any order):
//
//	option  = "key" | "lattice" | "fd=" Fields | "by=" Fields
//	Fields  = FieldName { "+" FieldName }
//
// "key" marks the field as part of the type's key; several key fields form a
// composite key in declaration order. "lattice" marks a field that merges by
// its lattice when two elements with the same key meet. "fd=F" declares that
// this field functionally determines field F ("fd=F+G": F and G); it may be
// repeated. "by=A+B" declares that this field is functionally determined by
// the fields A and B together: a composite dependency, (A, B) → this field.
package tags

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fatih/structtag"
)

// Field describes one struct field as seen by the caller's type system.
type Field struct {
	Name string
	// Type is the field's Go type as written in source (for messages and key
	// type comparison).
	Type string
	// Tag is the whole raw struct tag (`json:"x" hydro:"key"`), possibly empty.
	Tag string
	// Comparable reports whether values of the type can be compared with ==.
	Comparable bool
	// Mergeable reports whether a pointer to the type has a lattice Merge method.
	Mergeable bool
	// ValueMerge reports that the type's Merge method has a value receiver:
	// it would merge into a copy.
	ValueMerge bool
	// Pointer reports a pointer type: its values compare by address.
	Pointer bool
	// Index is the field's index path from the struct, as in
	// reflect.StructField.Index: one index for a field of the struct itself,
	// several for a field promoted from an embedded struct. Callers set it
	// to the field's position; Parse extends it for promoted fields.
	Index []int
	// Embedded holds the fields of the field's type when the field is an
	// embedded struct (not a pointer): Parse promotes them.
	Embedded []Field
}

// promote replaces every embedded struct field without a hydro tag by the
// fields it promotes, as Go's selector rules do: a name declared at a
// shallower depth wins, and a name declared twice at the shallowest depth
// is promoted from neither.
func promote(fields []Field) []Field {
	type candidate struct {
		f     Field
		depth int
	}
	var expand func(fs []Field, prefix []int, depth int) []candidate
	expand = func(fs []Field, prefix []int, depth int) []candidate {
		var out []candidate
		for i, f := range fs {
			f.Index = append(append([]int(nil), prefix...), indexOf(f, i)...)
			_, tagged, _ := hydroOptions(f.Tag)
			if f.Embedded != nil && !tagged {
				out = append(out, expand(f.Embedded, f.Index, depth+1)...)
				continue
			}
			out = append(out, candidate{f, depth})
		}
		return out
	}
	all := expand(fields, nil, 0)
	shallowest := map[string]int{}
	count := map[[2]any]int{}
	for _, c := range all {
		if d, ok := shallowest[c.f.Name]; !ok || c.depth < d {
			shallowest[c.f.Name] = c.depth
		}
		count[[2]any{c.f.Name, c.depth}]++
	}
	var out []Field
	for _, c := range all {
		if c.depth == shallowest[c.f.Name] && count[[2]any{c.f.Name, c.depth}] == 1 {
			out = append(out, c.f)
		}
	}
	return out
}

func indexOf(f Field, i int) []int {
	if len(f.Index) > 0 {
		return f.Index[len(f.Index)-1:]
	}
	return []int{i}
}

// FD is a functional dependency between fields of one type, by index: the
// fields From together determine the field To.
type FD struct {
	From []int
	To   int
}

// FDString writes the dependency with field names, e.g. "(Key, Version) → Value".
func (s *Schema) FDString(fd FD) string {
	names := make([]string, len(fd.From))
	for i, f := range fd.From {
		names[i] = s.Fields[f].Name
	}
	from := strings.Join(names, ", ")
	if len(names) != 1 {
		from = "(" + from + ")"
	}
	return from + " → " + s.Fields[fd.To].Name
}

// Schema is what the tags of a struct type declare.
type Schema struct {
	// Type is the struct type's name as written in source.
	Type   string
	Fields []Field
	// Key holds the indices of the key fields in declaration order.
	Key []int
	// Lattice holds the indices of the lattice fields.
	Lattice []int
	// FDs holds the declared functional dependencies, in declaration order.
	FDs []FD
}

// KeyTypes returns the types of the key fields in order.
func (s *Schema) KeyTypes() []string {
	out := make([]string, len(s.Key))
	for i, k := range s.Key {
		out[i] = s.Fields[k].Type
	}
	return out
}

// KeyString describes the key for messages, e.g. "(Client uint32, Class Class)".
func (s *Schema) KeyString() string {
	if len(s.Key) == 0 {
		return "()"
	}
	parts := make([]string, len(s.Key))
	for i, k := range s.Key {
		parts[i] = s.Fields[k].Name + " " + s.Fields[k].Type
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// IsKey reports whether field i is part of the key.
func (s *Schema) IsKey(i int) bool { return slices.Contains(s.Key, i) }

// IsLattice reports whether field i merges by its lattice.
func (s *Schema) IsLattice(i int) bool { return slices.Contains(s.Lattice, i) }

// Determined reports whether field i is functionally determined by the key:
// it is a key field, or the closure of the declared dependencies starting from
// the key fields reaches it.
func (s *Schema) Determined(i int) bool {
	reached := make([]bool, len(s.Fields))
	for _, k := range s.Key {
		reached[k] = true
	}
	for changed := true; changed; {
		changed = false
		for _, fd := range s.FDs {
			all := true
			for _, f := range fd.From {
				all = all && reached[f]
			}
			if all && !reached[fd.To] {
				reached[fd.To] = true
				changed = true
			}
		}
	}
	return reached[i]
}

// Error is a problem with one field's tag.
type Error struct {
	Type  string
	Field string
	Msg   string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s.%s: %s", e.Type, e.Field, e.Msg)
}

// Parse validates the hydro tags of the fields of struct type typ and returns
// its schema. All problems are reported, joined, in field order.
//
// Fields promoted from embedded structs are fields of the schema: a key tag
// on a field of an embedded struct makes it a key of the embedding type.
func Parse(typ string, fields []Field) (*Schema, error) {
	fields = promote(fields)
	s := &Schema{Type: typ, Fields: fields}
	var errs []error
	fail := func(f Field, format string, args ...any) {
		errs = append(errs, &Error{Type: typ, Field: f.Name, Msg: fmt.Sprintf(format, args...)})
	}
	index := make(map[string]int, len(fields))
	for i, f := range fields {
		index[f.Name] = i
	}
	for i, f := range fields {
		opts, ok, err := hydroOptions(f.Tag)
		if err != nil {
			fail(f, "malformed struct tag %q: %v", f.Tag, err)
			continue
		}
		if !ok {
			continue
		}
		var isKey, isLattice bool
		seen := map[string]bool{}
		for _, opt := range opts {
			if seen[opt] {
				fail(f, "hydro tag option %q given twice", opt)
				continue
			}
			seen[opt] = true
			name, value, hasValue := strings.Cut(opt, "=")
			switch {
			case opt == "key":
				isKey = true
			case opt == "lattice":
				isLattice = true
			case (name == "fd" || name == "by") && hasValue:
				if value == "" {
					fail(f, `hydro tag option "%s=" needs a field name, as in %s=Class or %s=Key+Version`, name, name, name)
					continue
				}
				var named []int
				for _, part := range strings.Split(value, "+") {
					j, exists := index[part]
					switch {
					case part == "":
						fail(f, "%s=%s: empty field name; separate fields with a single +", name, value)
					case !exists:
						fail(f, "%s=%s names no field of %s (fields: %s)", name, part, typ, fieldNames(fields))
					case j == i:
						fail(f, "%s=%s names the field itself", name, part)
					case slices.Contains(named, j):
						fail(f, "%s=%s names field %s twice", name, value, part)
					default:
						named = append(named, j)
						continue
					}
					named = nil
					break
				}
				if named == nil {
					continue
				}
				if name == "by" {
					s.FDs = append(s.FDs, FD{From: named, To: i})
					continue
				}
				for _, j := range named {
					s.FDs = append(s.FDs, FD{From: []int{i}, To: j})
				}
			case opt == "":
				fail(f, "empty hydro tag option in %q", f.Tag)
			default:
				fail(f, "unknown hydro tag option %q (want key, lattice, fd=Field or by=Field+Field)", opt)
			}
		}
		if isKey && isLattice {
			fail(f, "a field cannot be both key and lattice: a key identifies an element, a lattice field merges")
			continue
		}
		if isKey {
			if !f.Comparable {
				fail(f, "key field of type %s is not comparable; keys are compared with ==", f.Type)
				continue
			}
			if f.Pointer {
				fail(f, "key field of pointer type %s compares by address, not by value; use the pointed-to type", f.Type)
				continue
			}
			s.Key = append(s.Key, i)
		}
		if isLattice {
			if f.ValueMerge {
				fail(f, "lattice field of type %s has method Merge with a value receiver, which merges into a copy and loses the result; declare it on *%s", f.Type, f.Type)
				continue
			}
			if !f.Mergeable {
				fail(f, "lattice field of type %s has no method Merge(%s) bool on *%s; use a type from package lattices or implement one", f.Type, f.Type, f.Type)
				continue
			}
			s.Lattice = append(s.Lattice, i)
		}
	}
	if len(errs) > 0 {
		return nil, joinErrors(errs)
	}
	return s, nil
}

// hydroOptions extracts the options of the hydro key from a raw struct tag.
func hydroOptions(raw string) (opts []string, ok bool, err error) {
	if raw == "" {
		return nil, false, nil
	}
	parsed, err := structtag.Parse(raw)
	if err != nil {
		return nil, false, err
	}
	t, err := parsed.Get("hydro")
	if err != nil {
		return nil, false, nil // no hydro key
	}
	return append([]string{t.Name}, t.Options...), true, nil
}

func fieldNames(fields []Field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// List is several errors reported together, one per line.
type List []error

func (l List) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the errors for errors.Is and errors.As.
func (l List) Unwrap() []error { return l }

func joinErrors(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return List(errs)
}
