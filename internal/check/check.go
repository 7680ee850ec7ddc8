// Package check holds the checks of a flow's operators that the reference
// interpreter (package hydro, through reflect) and hydrogen (gen/parse,
// through go/types) both run. Each builder describes what it sees in the
// descriptors both fill — the operator's Spec, the lifetimes given, the tag
// schema of an element type (internal/tags) — and the check decides and
// words the problem once, so that both accept and reject the same programs
// with the same words. Graph is the checks of a built graph: one pass over
// the IR that both builders run.
package check

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ops"
	"github.com/hydrogo/hydro/internal/tags"
)

// Lifetimes resolves the lifetimes given to an operator: none means each
// state slot's default; otherwise one valid lifetime per slot, Durable only
// for operators whose state can be durable (ops.Spec.Durable).
func Lifetimes(spec *ops.Spec, given []ops.Lifetime) ([]ops.Lifetime, error) {
	for _, l := range given {
		if !l.Valid() {
			return nil, fmt.Errorf("%s: %v is not a lifetime; use hydro.Tick, hydro.Static or hydro.Durable", spec.API, l)
		}
		if l == ops.Durable && !spec.Durable {
			var names []string
			for _, o := range ops.All() {
				if o.Durable {
					names = append(names, o.API)
				}
			}
			return nil, fmt.Errorf("%s: its state cannot be hydro.Durable; durable state is kept by %s", spec.API, strings.Join(names, ", "))
		}
	}
	slots := spec.Lifetimes
	switch len(given) {
	case 0:
		out := make([]ops.Lifetime, len(slots))
		for i, s := range slots {
			out[i] = s.Default
		}
		return out, nil
	case len(slots):
		return append([]ops.Lifetime(nil), given...), nil
	}
	if len(slots) == 0 {
		return nil, fmt.Errorf("%s takes no lifetime", spec.API)
	}
	names := make([]string, len(slots))
	for i, s := range slots {
		names[i] = s.Name
	}
	return nil, fmt.Errorf("%s takes %d lifetime(s) (%s) or none for the defaults, got %d", spec.API, len(slots), strings.Join(names, ", "), len(given))
}

// Key checks that the element type of input role of a keyed operator
// declares a key with its tags; s and err are what deriving its schema gave.
func Key(spec *ops.Spec, role, typ string, s *tags.Schema, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %s type %s has invalid hydro tags:\n\t%v", spec.API, role, typ, err)
	}
	if len(s.Key) == 0 {
		hint := ""
		if spec.By != "" {
			hint = " or use " + spec.By + " with a key function"
		}
		return fmt.Errorf("%s: %s type %s has no key: tag its key fields with `hydro:\"key\"`%s", spec.API, role, typ, hint)
	}
	return nil
}

// KeysDiffer words the problem of two keyed inputs whose keys' field types
// differ (which each builder decides with its own type identity).
func KeysDiffer(spec *ops.Spec, roleA string, a *tags.Schema, roleB string, b *tags.Schema) error {
	hint := ""
	if spec.By != "" {
		hint = " (or use " + spec.By + ")"
	}
	return fmt.Errorf("%s: key types differ: %s %s has key %s but %s %s has key %s; keys must have the same field types in the same order%s",
		spec.API, roleA, a.Type, a.KeyString(), roleB, b.Type, b.KeyString(), hint)
}

// Mergeable checks that a keyed lattice merge can merge items of schema s:
// it has lattice fields, and every other field is key or determined by it.
func Mergeable(spec *ops.Spec, s *tags.Schema) error {
	if len(s.Lattice) == 0 {
		return fmt.Errorf("%s: %s has no `hydro:\"lattice\"` field to merge; use Unique or FoldKeyed", spec.API, s.Type)
	}
	for i, fld := range s.Fields {
		if !s.IsLattice(i) && !s.Determined(i) {
			names := make([]string, len(s.Key))
			for j, k := range s.Key {
				names[j] = s.Fields[k].Name
			}
			return fmt.Errorf("%s: field %s of %s is neither key, lattice nor determined by the key [%s]; "+
				"tag it `hydro:\"lattice\"` or declare the dependency with `hydro:\"fd=%s\"` on a key field",
				spec.API, fld.Name, s.Type, strings.Join(names, ", "), fld.Name)
		}
	}
	return nil
}
