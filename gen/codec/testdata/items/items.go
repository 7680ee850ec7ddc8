// Package items holds types for the codec generator's tests: every kind of
// type that can cross the network, and some that cannot.
package items

import (
	"time"

	"github.com/hydrogo/hydro/lattices"
	"github.com/hydrogo/hydro/netio"
)

// Class is a named basic type.
type Class uint8

// LineItem is a plain struct.
type LineItem struct {
	Client uint32 `hydro:"key"`
	Item   string
	Qty    int16
	Class  Class
}

// Scalars holds every basic type, arrays and an anonymous struct, and no
// pointers.
type Scalars struct {
	B      bool
	I      int
	I8     int8
	I16    int16
	I32    int32
	I64    int64
	U      uint
	U8     uint8
	U16    uint16
	U32    uint32
	U64    uint64
	UP     uintptr
	F32    float32
	F64    float64
	Arr    [3]int16
	Hash   [4]byte
	Digest Digest
	Class  Class
	_      int
	Inner  struct{ A, B int32 }
	hidden uint16
	Rune   rune
}

// Digest is a named byte array.
type Digest [8]byte

// Cart holds slices, a pointer, bytes, a time and embedded fields.
type Cart struct {
	ID     uint64
	Items  []LineItem
	Note   *string
	Blob   []byte
	At     time.Time
	Prices [2]float64
	Tags   Tags
	Embedded
	*Extra
}

// Tags is a named slice.
type Tags []string

// Embedded is embedded by value.
type Embedded struct{ Level int }

// Extra is embedded through a pointer.
type Extra struct{ Flag bool }

// Index holds maps, which have no canonical encoding.
type Index struct {
	ByName map[string]int
	ByID   map[uint32]LineItem
	Sets   map[Class][]string
}

// Tree is recursive through a slice and a pointer.
type Tree struct {
	Value int
	Kids  []Tree
	Left  *Tree
}

// List is recursive through a pointer.
type List struct {
	V    int32
	Next *List
}

// Lattices holds every lattice type.
type Lattices struct {
	Hi    lattices.Max[int]
	Lo    lattices.Min[float64]
	Seen  lattices.SetUnion[string]
	Seq   lattices.SSIV[LineItem]
	Votes lattices.MapUnion[string, lattices.Max[int], *lattices.Max[int]]
	Both  lattices.Pair[lattices.Max[int], lattices.SetUnion[uint32], *lattices.Max[int], *lattices.SetUnion[uint32]]
	Dom   lattices.DomPair[lattices.Max[uint64], lattices.Conflict[string], *lattices.Max[uint64], *lattices.Conflict[string]]
	Reg   lattices.LWW[string]
	Count lattices.GCounter[string]
	Vec   lattices.VecUnion[lattices.Max[int], *lattices.Max[int]]
	Opt   lattices.WithBot[lattices.Max[int], *lattices.Max[int]]
	Cap   lattices.WithTop[lattices.SetUnion[int], *lattices.SetUnion[int]]
	Pre   lattices.BoundedPrefix[int]
	Conf  lattices.Conflict[string]
}

// Hi is pointer-free and holds a lattice.
type Hi struct {
	M lattices.Max[int64]
	C lattices.Conflict[int32]
}

// Point has its own codec methods, which encode the coordinates as varints.
type Point struct{ X, Y int32 }

// Append appends p's encoding to dst.
func (p *Point) Append(dst []byte) []byte {
	return netio.AppendVarint(netio.AppendVarint(dst, int64(p.X)), int64(p.Y))
}

// Decode decodes p from the start of src.
func (p *Point) Decode(src []byte) (int, error) {
	x, n, err := netio.DecodeVarint(src)
	if err != nil {
		return 0, err
	}
	y, m, err := netio.DecodeVarint(src[n:])
	if err != nil {
		return 0, err
	}
	p.X, p.Y = int32(x), int32(y)
	return n + m, nil
}

// Shape uses Point's methods.
type Shape struct {
	Center  Point
	Corners []Point
}

// Wrapped gets Point's methods by promotion, which is all it holds.
type Wrapped struct{ Point }

//hydro:codec
type Marked struct {
	Name string
	At   [2]Point
}

// Types that cannot cross the network.
type (
	BadFunc    struct{ Fn func() }
	BadChan    struct{ C chan int }
	BadIface   struct{ Any any }
	BadNested  struct{ Items []BadFunc }
	BadComplex struct{ C complex128 }
	BadForeign struct{ Loc time.Location }
	BadEmpty   struct{ S []struct{} }
	BadPromote struct {
		Point
		Extra int
	}
)

// Odd holds unusual shapes.
type Odd struct {
	Empty   struct{}
	None    [0]int64
	NoBytes [0]byte
	PP      **int
	ByKey   map[Key]*LineItem
	Tagged  struct {
		A int8 `json:"a"`
	}
	Ref   Ref
	Names Names
	Addr  Addr
	Ptrs  []*Point
	Hours *time.Time
	Bools [3]bool
	Lists [][]uint16
}

// Tagged has json tags, which only its JSON function reads.
type Tagged struct {
	Name  string   `json:"name"`
	Skip  int      `json:"-"`
	Dash  int      `json:"-,"`
	Count int      `json:"count,omitempty"`
	Ratio float32  `json:",omitempty"`
	Note  *string  `json:"note,omitempty"`
	Blob  []byte   `json:"blob,omitempty"`
	Flags []bool   `json:"flags"`
	Quote int      `json:"a\"b"`
	Tags  Tags     `json:"tags,omitempty"`
	Inner *Wrapped `json:"inner"`
	None  [0]int   `json:"none,omitempty"`
	Embedded
	Digest
}

// Key is a struct map key.
type Key struct {
	A uint8
	B string
}

// Ref is a named pointer type.
type Ref *Embedded

// Names is a named map type.
type Names map[string]Class

// Addr is a named uintptr.
type Addr uintptr

// Fixed encodes in a fixed number of bytes, so it decodes with one bounds
// check: numbers, named numbers, bools, and arrays and structs of them.
type Fixed struct {
	ID     uint64
	Class  Class
	Flags  [3]bool
	Grid   [2][2]int16
	Digest Digest
	Pos    struct{ X, Y float32 }
	Temps  [2]struct{ Lo, Hi int8 }
	Last   bool
}
