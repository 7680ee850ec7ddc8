package hydro

import (
	"fmt"
	"reflect"

	"github.com/hydrogo/hydro/internal/ir"
)

// crosses says why items of type t cannot cross the network, by the rules
// and in the words of hydrogen's codec generator (gen/codec), or returns
// nil. Through reflect it cannot see three of the generator's rules:
// unexported fields and types of another package than the flow's, types
// declared inside a function, and elements that may encode as no bytes;
// hydrogen reports those.
func crosses(t ir.Type) error {
	if t.Reflect == nil {
		return nil
	}
	if p := crossProblem(t.Reflect, "", map[reflect.Type]bool{}); p != "" {
		return fmt.Errorf("type %s cannot cross the network: %s", t.Reflect, p)
	}
	return nil
}

// crossProblem returns what about t, met at path in the checked type, has
// no binary encoding, as the end of a sentence; "" if it has one. seen
// holds the types being checked, whose recursive occurrences are fine.
func crossProblem(t reflect.Type, path string, seen map[reflect.Type]bool) string {
	if seen[t] {
		return ""
	}
	seen[t] = true
	defer delete(seen, t)
	if m := codecMethodsOf(t); m != nil {
		for _, f := range m.with {
			x := f.In(1).Elem()
			if p := crossProblem(x, "", seen); p != "" {
				return at(path, fmt.Sprintf("has type %s, whose type argument %s cannot cross the network: %s", t, x, p))
			}
		}
		return ""
	}
	if t == timeType {
		return ""
	}
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Name == "_" {
				continue
			}
			if p := crossProblem(f.Type, path+"."+f.Name, seen); p != "" {
				return p
			}
		}
		return ""
	case reflect.Slice, reflect.Array:
		return crossProblem(t.Elem(), path+"[i]", seen)
	case reflect.Map:
		if p := crossProblem(t.Key(), path+"{key}", seen); p != "" {
			return p
		}
		return crossProblem(t.Elem(), path+"[k]", seen)
	case reflect.Pointer:
		return crossProblem(t.Elem(), path, seen)
	case reflect.Chan:
		return at(path, "has channel type "+t.String())
	case reflect.Func:
		return at(path, "has func type "+t.String())
	case reflect.Interface:
		return at(path, "has interface type "+t.String())
	case reflect.Complex64, reflect.Complex128:
		return at(path, "has complex type "+t.String()+", which has no binary encoding")
	case reflect.UnsafePointer:
		return at(path, "has type "+t.String()+", an unsafe pointer")
	}
	return ""
}

// at phrases msg about the place path, as gen/codec does.
func at(path, msg string) string {
	switch {
	case path == "":
		return "it " + msg
	case path[0] == '.':
		return "field " + path[1:] + " " + msg
	}
	return "element " + path + " " + msg
}
