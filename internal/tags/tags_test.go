package tags

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func fld(name, typ, tag string) Field {
	return Field{Name: name, Type: typ, Tag: tag, Comparable: typ != "[]int", Mergeable: strings.HasPrefix(typ, "lattices.")}
}

func TestParseSchema(t *testing.T) {
	s, err := Parse("Tagged", []Field{
		fld("Client", "uint32", `hydro:"key,fd=Class"`),
		fld("Class", "Class", `json:"class"`),
		fld("Item", "string", ``),
		fld("Qty", "lattices.Max[int]", `hydro:"lattice"`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.KeyString(); got != "(Client uint32)" {
		t.Errorf("key = %s", got)
	}
	if len(s.Lattice) != 1 || s.Lattice[0] != 3 {
		t.Errorf("lattice = %v", s.Lattice)
	}
	if len(s.FDs) != 1 || !slices.Equal(s.FDs[0].From, []int{0}) || s.FDs[0].To != 1 {
		t.Errorf("fds = %v", s.FDs)
	}
	if !s.Determined(1) || s.Determined(2) {
		t.Errorf("Determined: class %v item %v", s.Determined(1), s.Determined(2))
	}
}

func TestCompositeKeyAndTransitiveFD(t *testing.T) {
	s, err := Parse("T", []Field{
		fld("A", "int", `hydro:"key"`),
		fld("B", "string", `hydro:"key,fd=C"`),
		fld("C", "int", `hydro:"fd=D"`),
		fld("D", "int", ``),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.KeyString(); got != "(A int, B string)" {
		t.Errorf("key = %s", got)
	}
	if !s.Determined(3) {
		t.Error("D should be determined through B→C→D")
	}
}

func TestCompositeFD(t *testing.T) {
	s, err := Parse("Entry", []Field{
		fld("Key", "string", `hydro:"key"`),
		fld("Version", "uint64", ``),
		fld("Value", "string", `hydro:"by=Key+Version"`),
		fld("Hash", "uint64", `hydro:"fd=Key+Version"`),
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, fd := range s.FDs {
		got = append(got, s.FDString(fd))
	}
	want := []string{"(Key, Version) → Value", "Hash → Key", "Hash → Version"}
	if !slices.Equal(got, want) {
		t.Errorf("fds = %q, want %q", got, want)
	}
	// The key alone does not reach Value: Version is missing.
	if s.Determined(2) {
		t.Error("Value determined by the key alone")
	}
	s.Key = append(s.Key, 1)
	if !s.Determined(2) {
		t.Error("Value not determined by (Key, Version)")
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name  string
		field Field
		want  string
	}{
		{"unknown option", fld("A", "int", `hydro:"primary"`), `T.A: unknown hydro tag option "primary"`},
		{"unknown second option", fld("A", "int", `hydro:"key,sorted"`), `unknown hydro tag option "sorted"`},
		{"fd missing field", fld("A", "int", `hydro:"key,fd=Nope"`), `fd=Nope names no field of T (fields: A, B)`},
		{"fd empty", fld("A", "int", `hydro:"fd="`), `"fd=" needs a field name`},
		{"fd self", fld("A", "int", `hydro:"fd=A"`), `fd=A names the field itself`},
		{"by self", fld("A", "int", `hydro:"by=B+A"`), `by=A names the field itself`},
		{"by missing field", fld("A", "int", `hydro:"by=B+Nope"`), `by=Nope names no field of T`},
		{"by empty part", fld("A", "int", `hydro:"by=B+"`), `by=B+: empty field name`},
		{"by twice", fld("A", "int", `hydro:"by=B+B"`), `by=B+B names field B twice`},
		{"by empty", fld("A", "int", `hydro:"by="`), `"by=" needs a field name`},
		{"malformed tag", fld("A", "int", `hydro:key`), `malformed struct tag`},
		{"duplicate", fld("A", "int", `hydro:"key,key"`), `option "key" given twice`},
		{"key and lattice", fld("A", "lattices.Max[int]", `hydro:"key,lattice"`), `cannot be both key and lattice`},
		{"incomparable key", fld("A", "[]int", `hydro:"key"`), `key field of type []int is not comparable`},
		{"lattice without merge", fld("A", "int", `hydro:"lattice"`), `has no method Merge(int) bool on *int`},
		{"empty option", fld("A", "int", `hydro:"key,"`), `empty hydro tag option`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("T", []Field{c.field, fld("B", "int", "")})
			if err == nil {
				t.Fatalf("no error, want %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
			var te *Error
			if !errors.As(err, &te) || te.Type != "T" || te.Field != "A" {
				t.Fatalf("error %#v does not name T.A", err)
			}
		})
	}
}

func TestAllErrorsReported(t *testing.T) {
	_, err := Parse("T", []Field{fld("A", "int", `hydro:"bogus"`), fld("B", "int", `hydro:"fd=Z"`)})
	var l List
	if !errors.As(err, &l) || len(l) != 2 {
		t.Fatalf("want 2 errors, got %v", err)
	}
}

func TestOtherTagKeysIgnored(t *testing.T) {
	s, err := Parse("T", []Field{fld("A", "int", `json:"a,omitempty" db:"x"`)})
	if err != nil || len(s.Key) != 0 {
		t.Fatalf("schema %v err %v", s, err)
	}
}

func TestPromotedFields(t *testing.T) {
	inner := []Field{fld("Client", "uint32", `hydro:"key"`), fld("Name", "string", ``)}
	other := []Field{fld("Name", "string", ``), fld("Extra", "int", ``)}
	fields := []Field{
		{Name: "Inner", Type: "Inner", Embedded: inner, Index: []int{0}},
		{Name: "Other", Type: "Other", Embedded: other, Index: []int{1}},
		{Name: "Tagged", Type: "Tagged", Tag: `hydro:"fd=Extra"`, Embedded: other, Index: []int{2}, Comparable: true},
		fld("Own", "int", ``),
	}
	s, err := Parse("T", fields)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range s.Fields {
		names = append(names, f.Name)
	}
	// Name is declared twice at depth 1: promoted from neither. Tagged
	// carries a hydro tag: it stays one field.
	if want := []string{"Client", "Extra", "Tagged", "Own"}; !slices.Equal(names, want) {
		t.Fatalf("fields %v, want %v", names, want)
	}
	if got := s.KeyString(); got != "(Client uint32)" {
		t.Errorf("key = %s", got)
	}
	if !slices.Equal(s.Fields[0].Index, []int{0, 0}) || !slices.Equal(s.Fields[1].Index, []int{1, 1}) {
		t.Errorf("index paths %v %v", s.Fields[0].Index, s.Fields[1].Index)
	}
}

func TestPointerKeyAndValueMerge(t *testing.T) {
	ptr := fld("K", "*int", `hydro:"key"`)
	ptr.Pointer = true
	if _, err := Parse("T", []Field{ptr}); err == nil || !strings.Contains(err.Error(), "compares by address") {
		t.Errorf("pointer key: %v", err)
	}
	val := fld("L", "lattices.Bad", `hydro:"lattice"`)
	val.ValueMerge = true
	if _, err := Parse("T", []Field{val}); err == nil || !strings.Contains(err.Error(), "value receiver") {
		t.Errorf("value merge: %v", err)
	}
}
