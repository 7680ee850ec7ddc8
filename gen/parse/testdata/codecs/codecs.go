// Package codecs exercises the //hydro:codec directive.
package codecs

// Order is marked.
//
//hydro:codec
type Order struct {
	ID   uint64
	Note string
}

//hydro:codec
type (
	// A is marked by its group.
	A struct{ X int }
	// B is marked by its group.
	B int
)

type (
	// C is marked on its own.
	//
	//hydro:codec
	C struct{ Y string }

	// D is not marked.
	D struct{}
)

// Custom already has codec methods.
//
//hydro:codec
type Custom struct{}

func (*Custom) Append(dst []byte) []byte { return dst }

func (*Custom) Decode(src []byte) (int, error) { return 0, nil }

//hydro:codec extra
type Malformed struct{}

//hydro:codecs
type Unknown struct{}

//hydro:flow
type NotAFlow struct{}

//hydro:codec
type Alias = Order

//hydro:codec
type Generic[T any] struct{ V T }

//hydro:codec
type Iface interface{ M() }

//hydro:codec
type Ptr *Order

// List has a method Append that is not a codec method.
//
//hydro:codec
type List []int

func (l *List) Append(x int) { *l = append(*l, x) }

// Half has Append but no Decode.
//
//hydro:codec
type Half struct{}

func (Half) Append(dst []byte) []byte { return dst }

//hydro:codec
var notAType = 1

func local() {
	//hydro:codec
	type Local struct{}
	_ = Local{}
}
