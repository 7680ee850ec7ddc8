package microbench

// Types for the codec benchmarks: the generated codecs of one pointer-free
// and one pointer-holding type, against hand-written encoding/binary code.

// Order is a pointer-free item: its generated decoder allocates nothing.
//
//hydro:codec
type Order struct {
	ID     uint64
	Qty    int32
	Price  float64
	Symbol [8]byte
	Buy    bool
}

// Basket is an item with pointers: a string and a slice of small structs
// that hold strings themselves.
//
//hydro:codec
type Basket struct {
	Owner string
	Lines []Line
}

// Line is one entry of a Basket.
type Line struct {
	Item string
	Qty  int16
	Gift bool
}
