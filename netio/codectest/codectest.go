// Package codectest helps fuzz tests of item decoders check that decoding
// stays within a memory budget: a malformed frame must not make a decoder
// allocate much more than the frame's size.
package codectest

import (
	"runtime"
	"testing"
)

// ErrorSlack is the heap allowance added on a decoder's error path, for the
// error value and its wrapped context.
const ErrorSlack = 1 << 10

// DecodeWithin runs decode, which reads size bytes, and fails t if it
// allocates more than limit bytes on the heap (limit plus ErrorSlack when
// it returns an error). A run over the limit is measured again before
// failing, as another goroutine may have allocated meanwhile. It returns
// what decode returned.
func DecodeWithin(t testing.TB, size int, limit uintptr, decode func() (int, error)) (int, error) {
	t.Helper()
	var (
		n   int
		err error
	)
	for try := 1; ; try++ {
		got := HeapBytes(func() { n, err = decode() })
		allowed := limit
		if err != nil {
			allowed += ErrorSlack
		}
		if got <= uint64(allowed) {
			return n, err
		}
		if try == 2 {
			t.Fatalf("decoding %d bytes allocated %d bytes, more than %d (err: %v)", size, got, allowed, err)
		}
	}
}

// HeapBytes returns the bytes fn allocates on the heap. It reads the memory
// statistics, which stops the world twice: a few tens of microseconds.
func HeapBytes(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
