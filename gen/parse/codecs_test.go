package parse_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/gen/load"
	"github.com/hydrogo/hydro/gen/parse"
)

func TestCodecs(t *testing.T) {
	res, err := load.Packages("testdata/codecs", ".")
	require.NoError(t, err)
	marked, errs := parse.Codecs(res.Fset, res.Packages)

	require.Len(t, marked, 1)
	var names []string
	for _, n := range marked[res.Packages[0]] {
		names = append(names, n.Obj().Name())
	}
	require.Equal(t, []string{"Order", "A", "B", "C", "Custom"}, names)

	var got []string
	for _, e := range errs {
		got = append(got, fmt.Sprintf("%s:%d:%d: %s", filepath.Base(e.Pos.File), e.Pos.Line, e.Pos.Col, e.Message))
	}
	require.Equal(t, []string{
		"codecs.go:39:1: malformed directive //hydro:codec extra: //hydro:codec takes no arguments",
		"codecs.go:42:1: unknown directive //hydro:codecs on a type (want //hydro:codec)",
		"codecs.go:45:1: unknown directive //hydro:flow on a type (want //hydro:codec)",
		"codecs.go:48:1: //hydro:codec on alias Alias: mark the aliased type's declaration instead",
		"codecs.go:51:1: //hydro:codec on generic type Generic: codecs are generated for the instantiations that flows send, not for generic types",
		"codecs.go:54:1: //hydro:codec on interface type Iface: interface values cannot cross the network",
		"codecs.go:57:1: //hydro:codec on pointer type Ptr: a pointer type cannot have methods; mark its element type",
		"codecs.go:62:1: //hydro:codec on type List, whose method Append has type func(x int), not func(dst []byte) []byte",
		"codecs.go:69:1: //hydro:codec on type Half, which has a method Append but not its counterpart: declare both Append and Decode, or neither",
		"codecs.go:74:1: directive //hydro:codec on a var declaration (directives apply to functions and types)",
		"codecs.go:78:2: //hydro:codec on type Local, which is declared inside a function: declare it at package level",
	}, got)
}
