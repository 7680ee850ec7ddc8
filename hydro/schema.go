package hydro

import (
	"reflect"
	"strings"
	"unsafe"

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
	fields := make([]tags.Field, t.NumField())
	for i := range fields {
		sf := t.Field(i)
		fields[i] = tags.Field{
			Name:       sf.Name,
			Type:       sf.Type.String(),
			Tag:        string(sf.Tag),
			Comparable: sf.Type.Comparable(),
			Mergeable:  mergeable(sf.Type),
		}
	}
	return tags.Parse(t.String(), fields)
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
	if err != nil {
		f.errorf(pos, "%s: %s type %s has invalid hydro tags:\n\t%v", spec.API, role, t, err)
		return keyed{}, false
	}
	if len(s.Key) == 0 {
		f.errorf(pos, "%s: %s type %s has no key: tag its key fields with `hydro:\"key\"` or use %sBy with a key function",
			spec.API, role, t, spec.API)
		return keyed{}, false
	}
	types := make([]reflect.Type, len(s.Key))
	for i, k := range s.Key {
		types[i] = t.Field(k).Type
	}
	return keyed{schema: s, types: types, fn: keyFunc(t, s.Key)}, true
}

// sameKey reports an error unless two key types agree field by field.
func sameKey(f *Flow, spec *ops.Spec, pos Pos, a, b keyed, roleA, roleB string) bool {
	match := len(a.types) == len(b.types)
	for i := 0; match && i < len(a.types); i++ {
		match = a.types[i] == b.types[i]
	}
	if !match {
		f.errorf(pos, "%s: key types differ: %s %s has key %s but %s %s has key %s; keys must have the same field types in the same order (or use %sBy)",
			spec.API, roleA, a.schema.Type, a.schema.KeyString(), roleB, b.schema.Type, b.schema.KeyString(), spec.API)
	}
	return match
}

// keyFunc returns a function extracting the key fields of a T held in an any:
// the field itself for a single key field, an array of the fields otherwise.
func keyFunc(t reflect.Type, key []int) func(any) any {
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

// field returns field i of the addressable struct c, settable and readable
// whether exported or not.
func field(c reflect.Value, i int) reflect.Value {
	f := c.Field(i)
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}

// addressable returns an addressable copy of x, a value of type t.
func addressable(t reflect.Type, x any) reflect.Value {
	c := reflect.New(t).Elem()
	c.Set(reflect.ValueOf(x))
	return c
}

// fieldValue reads field i of struct v, exported or not.
func fieldValue(v reflect.Value, t reflect.Type, i int) any {
	if t.Field(i).IsExported() {
		return v.Field(i).Interface()
	}
	return field(addressable(t, v.Interface()), i).Interface()
}

// bottomFunc returns a function copying an item with its lattice fields set
// to their zero value, bottom.
func bottomFunc(t reflect.Type, lattice []int) func(item any) any {
	return func(item any) any {
		c := addressable(t, item)
		for _, i := range lattice {
			field(c, i).SetZero()
		}
		return c.Interface()
	}
}

// mergeFunc returns a function merging the lattice fields of item into acc and
// returning acc; other fields keep acc's values.
func mergeFunc(t reflect.Type, lattice []int) func(acc, item any) any {
	return func(acc, item any) any {
		a, it := addressable(t, acc), addressable(t, item)
		for _, i := range lattice {
			field(a, i).Addr().MethodByName("Merge").Call([]reflect.Value{field(it, i)})
		}
		return a.Interface()
	}
}

func describeFields(s *tags.Schema, idx []int) string {
	names := make([]string, len(idx))
	for j, i := range idx {
		names[j] = s.Fields[i].Name
	}
	return "[" + strings.Join(names, ", ") + "]"
}
