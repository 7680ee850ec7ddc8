package hydro

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"sync"
	"time"
	"unsafe"

	"github.com/hydrogo/hydro/netio"
)

// AppendWire appends to dst the binary encoding that hydrogen's generated
// codecs write for v (docs/netio.md, "Item codecs"), and returns the
// extended slice. The interpreter hashes the encodings of key fields to
// partition streams, the same way generated code does.
//
// AppendWire supports the types the codecs support, except maps, whose
// encoding follows their iteration order, so that equal values would have
// different encodings: it returns an error for a type containing a map, a
// channel, a function, an interface, an unsafe pointer or a complex number.
// Types with codec methods (Append and Decode, or AppendWith and DecodeWith)
// are encoded by them; the lattice types with sets and maps, whose methods
// also follow iteration order, should not be hashed either. Unlike the code
// generator, AppendWire encodes unexported fields of any package.
func AppendWire(dst []byte, v any) ([]byte, error) {
	if v == nil {
		return dst, errors.New("hydro: AppendWire of a nil interface")
	}
	return appendWire(dst, reflect.ValueOf(v))
}

// appendWire appends the wire encoding of v to dst, or returns an error if
// v's type has none (see AppendWire); the error depends on the type alone,
// not on the value. A value read from an unexported field must be
// addressable.
func appendWire(dst []byte, v reflect.Value) ([]byte, error) {
	if err := wireCheck(v.Type()); err != nil {
		return dst, err
	}
	switch {
	case v.CanAddr() && !v.CanSet():
		// Reached through an unexported field: take it by its address, so
		// that its methods can be called.
		v = reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
	case !v.CanAddr() && v.CanInterface():
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		v = c
	case !v.CanAddr():
		return dst, fmt.Errorf("hydro: cannot encode a value of type %s read from an unexported field of an unaddressable struct", v.Type())
	}
	return wireValue(dst, v)
}

var (
	bytesType = reflect.TypeFor[[]byte]()
	intType   = reflect.TypeFor[int]()
	errorType = reflect.TypeFor[error]()
	timeType  = reflect.TypeFor[time.Time]()
)

// wireMethods are the codec methods of a type.
type wireMethods struct {
	append reflect.Method // Append or AppendWith, on the pointer type
	with   []reflect.Type // the function types AppendWith takes; nil for Append
}

var wireMethodCache sync.Map // reflect.Type -> *wireMethods (nil if none)

// codecMethodsOf returns the codec methods of t, found by the rules of the
// code generator, or nil.
func codecMethodsOf(t reflect.Type) *wireMethods {
	if m, ok := wireMethodCache.Load(t); ok {
		return m.(*wireMethods)
	}
	m := findCodecMethods(t)
	wireMethodCache.Store(t, m)
	return m
}

func findCodecMethods(t reflect.Type) *wireMethods {
	if t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface {
		return nil
	}
	pt := reflect.PointerTo(t)
	app, okA := pt.MethodByName("Append")
	dec, okD := pt.MethodByName("Decode")
	// Method types include the receiver.
	if okA && okD && isAppendFunc(app.Type, 1, 2) && isDecodeFunc(dec.Type, 1, 2) {
		return &wireMethods{append: app}
	}
	app, okA = pt.MethodByName("AppendWith")
	dec, okD = pt.MethodByName("DecodeWith")
	if !okA || !okD || app.Type.NumIn() != dec.Type.NumIn() || !isAppendFunc(app.Type, 1, app.Type.NumIn()) || !isDecodeFunc(dec.Type, 1, dec.Type.NumIn()) {
		return nil
	}
	m := &wireMethods{append: app, with: []reflect.Type{}}
	for i := 2; i < app.Type.NumIn(); i++ {
		fa, fd := app.Type.In(i), dec.Type.In(i)
		if fa.Kind() != reflect.Func || fd.Kind() != reflect.Func || !isAppendFunc(fa, 0, 2) || !isDecodeFunc(fd, 0, 2) ||
			fa.In(1).Kind() != reflect.Pointer || fa.In(1) != fd.In(1) {
			return nil
		}
		m.with = append(m.with, fa)
	}
	return m
}

// isAppendFunc reports whether f is func([]byte, ...) []byte, with the
// byte slice at position first and in parameters in all.
func isAppendFunc(f reflect.Type, first, in int) bool {
	return f.NumIn() == in && in > first && !f.IsVariadic() && f.In(first) == bytesType &&
		f.NumOut() == 1 && f.Out(0) == bytesType
}

// isDecodeFunc reports whether f is func([]byte, ...) (int, error), with
// the byte slice at position first and in parameters in all.
func isDecodeFunc(f reflect.Type, first, in int) bool {
	return f.NumIn() == in && in > first && !f.IsVariadic() && f.In(first) == bytesType &&
		f.NumOut() == 2 && f.Out(0) == intType && f.Out(1) == errorType
}

var wireCheckCache sync.Map // reflect.Type -> error (nil if supported)

// wireCheck returns an error if values of t have no wire encoding.
func wireCheck(t reflect.Type) error {
	if err, ok := wireCheckCache.Load(t); ok {
		err, _ := err.(error)
		return err
	}
	err := checkType(t, "", map[reflect.Type]bool{})
	if err != nil {
		err = fmt.Errorf("hydro: type %s has no wire encoding: %w", t, err)
	}
	wireCheckCache.Store(t, err)
	return err
}

// checkType checks t, met at path in the checked type; seen holds the types
// being checked, whose recursive occurrences are fine.
func checkType(t reflect.Type, path string, seen map[reflect.Type]bool) error {
	if seen[t] {
		return nil
	}
	seen[t] = true
	defer delete(seen, t)
	where := "it"
	if path != "" {
		where = path
	}
	if m := codecMethodsOf(t); m != nil {
		for _, f := range m.with {
			if err := checkType(f.In(1).Elem(), path, seen); err != nil {
				return err
			}
		}
		return nil
	}
	if t == timeType {
		return nil
	}
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.String:
		return nil
	case reflect.Slice, reflect.Array:
		return checkType(t.Elem(), path+"[i]", seen)
	case reflect.Pointer:
		return checkType(t.Elem(), path, seen)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Name == "_" {
				continue
			}
			if err := checkType(f.Type, path+"."+f.Name, seen); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		return fmt.Errorf("%s is a map, whose encoding follows its iteration order", where)
	}
	return fmt.Errorf("%s has type %s, of kind %s", where, t, t.Kind())
}

// wireValue appends the encoding of v, an addressable value of a checked
// type.
func wireValue(dst []byte, v reflect.Value) ([]byte, error) {
	t := v.Type()
	if m := codecMethodsOf(t); m != nil {
		return wireMethodsValue(dst, v, m)
	}
	if t == timeType {
		tm := v.Interface().(time.Time)
		if tm.IsZero() {
			return netio.AppendInt64(dst, math.MinInt64), nil
		}
		return netio.AppendInt64(dst, tm.UnixNano()), nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return netio.AppendBool(dst, v.Bool()), nil
	case reflect.Int:
		return netio.AppendInt(dst, int(v.Int())), nil
	case reflect.Int8:
		return netio.AppendInt8(dst, int8(v.Int())), nil
	case reflect.Int16:
		return netio.AppendInt16(dst, int16(v.Int())), nil
	case reflect.Int32:
		return netio.AppendInt32(dst, int32(v.Int())), nil
	case reflect.Int64:
		return netio.AppendInt64(dst, v.Int()), nil
	case reflect.Uint:
		return netio.AppendUint(dst, uint(v.Uint())), nil
	case reflect.Uint8:
		return netio.AppendUint8(dst, uint8(v.Uint())), nil
	case reflect.Uint16:
		return netio.AppendUint16(dst, uint16(v.Uint())), nil
	case reflect.Uint32:
		return netio.AppendUint32(dst, uint32(v.Uint())), nil
	case reflect.Uint64:
		return netio.AppendUint64(dst, v.Uint()), nil
	case reflect.Uintptr:
		return netio.AppendUvarint(dst, v.Uint()), nil
	case reflect.Float32:
		// Read the bits: a conversion through float64 could alter a NaN.
		return netio.AppendFloat32(dst, *(*float32)(unsafe.Pointer(v.UnsafeAddr()))), nil
	case reflect.Float64:
		return netio.AppendFloat64(dst, v.Float()), nil
	case reflect.String:
		return netio.AppendString(dst, v.String()), nil
	case reflect.Slice:
		if plainByte(t.Elem()) {
			return netio.AppendBytes(dst, v.Bytes()), nil
		}
		dst = netio.AppendLen(dst, v.Len())
		return wireElems(dst, v)
	case reflect.Array:
		if plainByte(t.Elem()) {
			return append(dst, v.Bytes()...), nil
		}
		return wireElems(dst, v)
	case reflect.Pointer:
		if v.IsNil() {
			return append(dst, 0), nil
		}
		return wireValue(append(dst, 1), v.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).Name == "_" {
				continue
			}
			f := v.Field(i)
			if !f.CanSet() {
				// An unexported field: reach it through its address, so
				// that its methods can be called.
				f = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
			}
			var err error
			if dst, err = wireValue(dst, f); err != nil {
				return dst, err
			}
		}
		return dst, nil
	}
	// Unreachable after wireCheck.
	return dst, fmt.Errorf("hydro: type %s has no wire encoding", t)
}

// plainByte reports whether t is a byte type without codec methods, whose
// slices and arrays encode as byte strings.
func plainByte(t reflect.Type) bool {
	return t.Kind() == reflect.Uint8 && codecMethodsOf(t) == nil
}

// wireElems appends the elements of the slice or array v.
func wireElems(dst []byte, v reflect.Value) ([]byte, error) {
	for i := range v.Len() {
		var err error
		if dst, err = wireValue(dst, v.Index(i)); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// wireMethodsValue appends the encoding of v by its codec methods m.
func wireMethodsValue(dst []byte, v reflect.Value, m *wireMethods) ([]byte, error) {
	args := []reflect.Value{v.Addr(), reflect.ValueOf(dst)}
	var err error
	for _, ft := range m.with {
		args = append(args, reflect.MakeFunc(ft, func(in []reflect.Value) []reflect.Value {
			b := in[0].Bytes()
			if err == nil {
				b, err = wireValue(b, in[1].Elem())
			}
			return []reflect.Value{reflect.ValueOf(b)}
		}))
	}
	out := m.append.Func.Call(args)
	if err != nil {
		return dst, err
	}
	return out[0].Bytes(), nil
}
