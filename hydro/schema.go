package hydro

import (
	"reflect"
	"unsafe"

	"github.com/hydrogo/hydro/internal/check"
	"github.com/hydrogo/hydro/internal/ops"
	"github.com/hydrogo/hydro/internal/tags"
)

// schema returns the tag schema of struct type t, reporting tag errors once.
func (f *Flow) schema(t reflect.Type) (*tags.Schema, error) {
	if r, ok := f.schemas[t]; ok {
		return r.s, r.err
	}
	if f.schemas == nil {
		f.schemas = map[reflect.Type]schemaResult{}
	}
	s, err := SchemaOf(t)
	f.schemas[t] = schemaResult{s, err}
	return s, err
}

// SchemaOf returns the keys, functional dependencies and lattice fields that
// the hydro tags of struct type t declare. A non-struct type has an empty
// schema.
func SchemaOf(t reflect.Type) (*tags.Schema, error) {
	if t.Kind() != reflect.Struct {
		return &tags.Schema{Type: t.String()}, nil
	}
	return tags.Parse(t.String(), fieldsOf(t))
}

// fieldsOf describes the fields of struct type t for package tags.
func fieldsOf(t reflect.Type) []tags.Field {
	fields := make([]tags.Field, t.NumField())
	for i := range fields {
		sf := t.Field(i)
		fields[i] = tags.Field{
			Name:       sf.Name,
			Type:       sf.Type.String(),
			Tag:        string(sf.Tag),
			Comparable: sf.Type.Comparable(),
			Mergeable:  mergeable(sf.Type),
			ValueMerge: valueMerge(sf.Type),
			Pointer:    sf.Type.Kind() == reflect.Pointer,
			Index:      []int{i},
		}
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
			fields[i].Embedded = fieldsOf(sf.Type)
		}
	}
	return fields
}

var boolType = reflect.TypeFor[bool]()

// mergeable reports whether *t has a method Merge(t) bool.
func mergeable(t reflect.Type) bool {
	m, ok := reflect.PointerTo(t).MethodByName("Merge")
	if !ok {
		return false
	}
	mt := m.Type // includes the receiver
	return mt.NumIn() == 2 && mt.In(1) == t && mt.NumOut() == 1 && mt.Out(0) == boolType
}

// valueMerge reports whether t itself (not only *t) has a method Merge: one
// with a value receiver.
func valueMerge(t reflect.Type) bool {
	if t.Kind() == reflect.Interface || t.Kind() == reflect.Pointer {
		return false
	}
	_, ok := t.MethodByName("Merge")
	return ok
}

// paths returns the index paths of the schema's fields idx.
func paths(s *tags.Schema, idx []int) [][]int {
	out := make([][]int, len(idx))
	for j, i := range idx {
		out[j] = s.Fields[i].Index
	}
	return out
}

// keyed is a type's key as the interpreter uses it.
type keyed struct {
	schema *tags.Schema
	types  []reflect.Type
	fn     func(any) any
}

// keyOf derives the key function of T from its hydro:"key" tags.
func keyOf[T any](f *Flow, spec *ops.Spec, pos Pos, role string) (keyed, bool) {
	t := reflect.TypeFor[T]()
	s, err := f.schema(t)
	if err := check.Key(spec, role, t.String(), s, err); err != nil {
		f.errorf(pos, "%v", err)
		return keyed{}, false
	}
	types := make([]reflect.Type, len(s.Key))
	for i, k := range s.Key {
		types[i] = t.FieldByIndex(s.Fields[k].Index).Type
	}
	return keyed{schema: s, types: types, fn: keyFunc(t, paths(s, s.Key))}, true
}

// sameKey reports an error unless two key types agree field by field.
func sameKey(f *Flow, spec *ops.Spec, pos Pos, a, b keyed, roleA, roleB string) bool {
	match := len(a.types) == len(b.types)
	for i := 0; match && i < len(a.types); i++ {
		match = a.types[i] == b.types[i]
	}
	if !match {
		f.errorf(pos, "%v", check.KeysDiffer(spec, roleA, a.schema, roleB, b.schema))
	}
	return match
}

// keyFunc returns a function extracting the key fields of a T held in an any:
// the field itself for a single key field, an array of the fields otherwise.
func keyFunc(t reflect.Type, key [][]int) func(any) any {
	if len(key) == 1 {
		i := key[0]
		return func(x any) any { return fieldValue(reflect.ValueOf(x), t, i) }
	}
	arr := reflect.ArrayOf(len(key), reflect.TypeFor[any]())
	return func(x any) any {
		v := reflect.ValueOf(x)
		k := reflect.New(arr).Elem()
		for j, i := range key {
			k.Index(j).Set(reflect.ValueOf(fieldValue(v, t, i)))
		}
		return k.Interface()
	}
}

// field returns the field at index path of the addressable struct c,
// settable and readable whether exported or not.
func field(c reflect.Value, path []int) reflect.Value {
	for _, i := range path {
		f := c.Field(i)
		c = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
	}
	return c
}

// addressable returns an addressable copy of x, a value of type t.
func addressable(t reflect.Type, x any) reflect.Value {
	c := reflect.New(t).Elem()
	c.Set(reflect.ValueOf(x))
	return c
}

// fieldValue reads the field at index path of struct v, exported or not.
func fieldValue(v reflect.Value, t reflect.Type, path []int) any {
	if exported(t, path) {
		return v.FieldByIndex(path).Interface()
	}
	return field(addressable(t, v.Interface()), path).Interface()
}

// exported reports whether every field on the index path is exported.
func exported(t reflect.Type, path []int) bool {
	for _, i := range path {
		f := t.Field(i)
		if !f.IsExported() {
			return false
		}
		t = f.Type
	}
	return true
}

// bottomFunc returns a function copying an item with its lattice fields set
// to their zero value, bottom.
func bottomFunc(t reflect.Type, lattice [][]int) func(item any) any {
	return func(item any) any {
		c := addressable(t, item)
		for _, i := range lattice {
			field(c, i).SetZero()
		}
		return c.Interface()
	}
}

// mergeFunc returns a function merging the lattice fields of item into acc and
// returning acc and whether any field's Merge reported a change; other fields
// keep acc's values.
func mergeFunc(t reflect.Type, lattice [][]int) func(acc, item any) (any, bool) {
	return func(acc, item any) (any, bool) {
		a, it := addressable(t, acc), addressable(t, item)
		changed := false
		for _, i := range lattice {
			if field(a, i).Addr().MethodByName("Merge").Call([]reflect.Value{field(it, i)})[0].Bool() {
				changed = true
			}
		}
		return a.Interface(), changed
	}
}
