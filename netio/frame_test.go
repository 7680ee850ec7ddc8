package netio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"strconv"
	"testing"
	"testing/iotest"
)

func TestAppendFrameLayout(t *testing.T) {
	got := AppendFrame([]byte{0xEE}, 0x0102, []byte("abc"))
	want := []byte{0xEE, 0, 0, 0, 5, 0x01, 0x02, 'a', 'b', 'c'}
	if !bytes.Equal(got, want) {
		t.Fatalf("AppendFrame = % x, want % x", got, want)
	}
	got = AppendFrame(nil, 7, nil)
	want = []byte{0, 0, 0, 2, 0, 7}
	if !bytes.Equal(got, want) {
		t.Fatalf("AppendFrame(empty) = % x, want % x", got, want)
	}
}

func TestFrameRoundTrip(t *testing.T) {
	payloads := [][]byte{nil, {}, []byte("x"), bytes.Repeat([]byte("ab"), 300), bytes.Repeat([]byte{0xFF}, 5000), []byte("tail")}
	var stream []byte
	for i, p := range payloads {
		stream = AppendFrame(stream, uint16(i*1000), p)
	}
	for name, r := range map[string]io.Reader{
		"whole":   bytes.NewReader(stream),
		"onebyte": iotest.OneByteReader(bytes.NewReader(stream)),
		"half":    iotest.HalfReader(bytes.NewReader(stream)),
	} {
		t.Run(name, func(t *testing.T) {
			fr := NewFrameReader(r, 0)
			for i, p := range payloads {
				tag, got, err := fr.Next()
				if err != nil {
					t.Fatalf("frame %d: %v", i, err)
				}
				if tag != uint16(i*1000) || !bytes.Equal(got, p) {
					t.Fatalf("frame %d: tag %d, %d bytes; want tag %d, %d bytes", i, tag, len(got), i*1000, len(p))
				}
			}
			if _, _, err := fr.Next(); err != io.EOF {
				t.Fatalf("after last frame: err = %v, want io.EOF", err)
			}
		})
	}
}

func header(n uint32) []byte { return binary.BigEndian.AppendUint32(nil, n) }

func TestFrameReaderErrors(t *testing.T) {
	full := AppendFrame(nil, 9, []byte("payload"))
	tests := []struct {
		name  string
		input []byte
		max   int
		want  error
	}{
		{"empty", nil, 0, io.EOF},
		{"header 1 byte", full[:1], 0, io.ErrUnexpectedEOF},
		{"header 3 bytes", full[:3], 0, io.ErrUnexpectedEOF},
		{"no tag", full[:4], 0, io.ErrUnexpectedEOF},
		{"half tag", full[:5], 0, io.ErrUnexpectedEOF},
		{"short payload", full[:len(full)-1], 0, io.ErrUnexpectedEOF},
		{"length 0", header(0), 0, ErrMalformedFrame},
		{"length 1", append(header(1), 0), 0, ErrMalformedFrame},
		{"truncated large frame", append(header(100000), make([]byte, 3000)...), 0, io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fr := NewFrameReader(bytes.NewReader(tt.input), tt.max)
			_, _, err := fr.Next()
			if err != tt.want {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if _, _, err2 := fr.Next(); err2 != err {
				t.Fatalf("error not sticky: second call returned %v", err2)
			}
		})
	}
}

func TestFrameReaderTooLarge(t *testing.T) {
	for _, n := range []uint32{1001, math.MaxUint32} {
		fr := NewFrameReader(bytes.NewReader(append(header(n), 0, 0)), 1000)
		_, _, err := fr.Next()
		var tl *FrameTooLargeError
		if !errors.As(err, &tl) || tl.Len != int64(n) || tl.Max != 1000 {
			t.Fatalf("length %d: err = %v, want *FrameTooLargeError{%d, 1000}", n, err, n)
		}
		if cap(fr.buf) != 0 {
			t.Fatalf("length %d: buffer allocated (cap %d) before rejecting", n, cap(fr.buf))
		}
	}
	// Exactly at the limit is accepted, and the buffer stops at the limit.
	payload := make([]byte, 998)
	fr := NewFrameReader(bytes.NewReader(AppendFrame(nil, 1, payload)), 1000)
	if _, p, err := fr.Next(); err != nil || len(p) != 998 {
		t.Fatalf("frame at the limit: %d bytes, err %v", len(p), err)
	}
	if cap(fr.buf) > 1000 {
		t.Fatalf("buffer cap %d exceeds limit 1000", cap(fr.buf))
	}
}

func TestFrameReaderDoesNotTrustLength(t *testing.T) {
	// A header announcing 16 MiB followed by 10 bytes must not allocate 16 MiB.
	input := append(header(DefaultMaxFrame), make([]byte, 10)...)
	fr := NewFrameReader(bytes.NewReader(input), 0)
	if _, _, err := fr.Next(); err != io.ErrUnexpectedEOF {
		t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
	}
	if cap(fr.buf) > minGrow {
		t.Fatalf("buffer cap %d for 10 bytes of input", cap(fr.buf))
	}
}

func TestFrameReaderPassesReaderErrors(t *testing.T) {
	boom := errors.New("boom")
	fr := NewFrameReader(iotest.ErrReader(boom), 0)
	if _, _, err := fr.Next(); err != boom {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	// An error in the middle of a frame is passed on as well.
	r := io.MultiReader(bytes.NewReader(append(header(10), 0, 1)), iotest.ErrReader(boom))
	fr = NewFrameReader(r, 0)
	if _, _, err := fr.Next(); err != boom {
		t.Fatalf("mid-frame err = %v, want %v", err, boom)
	}
}

func TestFrameReaderReset(t *testing.T) {
	fr := NewFrameReader(bytes.NewReader(nil), 0)
	if _, _, err := fr.Next(); err != io.EOF {
		t.Fatalf("err = %v, want io.EOF", err)
	}
	fr.Reset(bytes.NewReader(AppendFrame(nil, 3, []byte("z"))))
	if tag, p, err := fr.Next(); err != nil || tag != 3 || string(p) != "z" {
		t.Fatalf("after Reset: tag %d payload %q err %v", tag, p, err)
	}
}

func TestFrameAllocs(t *testing.T) {
	var stream []byte
	for i := range 64 {
		stream = AppendFrame(stream, uint16(i), bytes.Repeat([]byte{byte(i)}, i*37))
	}
	r := bytes.NewReader(stream)
	fr := NewFrameReader(r, 0)
	readAll := func() {
		r.Reset(stream)
		fr.Reset(r)
		for {
			if _, _, err := fr.Next(); err != nil {
				break
			}
		}
	}
	readAll() // warm up: grow the buffer once
	if a := testing.AllocsPerRun(100, readAll); a != 0 {
		t.Errorf("FrameReader.Next steady state: %v allocs per 64 frames, want 0", a)
	}

	payload := make([]byte, 100)
	buf := make([]byte, 0, 256)
	if a := testing.AllocsPerRun(100, func() { buf = AppendFrame(buf[:0], 1, payload) }); a != 0 {
		t.Errorf("AppendFrame with capacity: %v allocs, want 0", a)
	}
}

// refFrame is a frame as parsed by the reference parser in FuzzFrameReader.
type refFrame struct {
	tag     uint16
	payload []byte
}

func FuzzFrameReader(f *testing.F) {
	f.Add([]byte{}, uint16(64))
	f.Add(AppendFrame(nil, 1, []byte("hello")), uint16(64))
	f.Add(AppendFrame(AppendFrame(nil, 1, nil), 2, []byte("xy")), uint16(3))
	f.Add(append(header(0xFFFFFFFF), 1, 2, 3), uint16(1000))
	f.Add(append(header(600), make([]byte, 700)...), uint16(4000))
	f.Add(header(1), uint16(10))
	f.Add(AppendFrame(nil, 0xFFFF, make([]byte, 1500)), uint16(1502))
	f.Fuzz(func(t *testing.T, data []byte, maxParam uint16) {
		maxFrame := int(maxParam)%8192 + 1
		// Reference parse.
		var want []refFrame
		var wantErr error
		for rest := data; ; {
			if len(rest) == 0 {
				wantErr = io.EOF
				break
			}
			if len(rest) < 4 {
				wantErr = io.ErrUnexpectedEOF
				break
			}
			n := binary.BigEndian.Uint32(rest)
			if n < 2 {
				wantErr = ErrMalformedFrame
				break
			}
			if uint64(n) > uint64(maxFrame) {
				wantErr = &FrameTooLargeError{}
				break
			}
			if uint64(len(rest)-4) < uint64(n) {
				wantErr = io.ErrUnexpectedEOF
				break
			}
			want = append(want, refFrame{binary.BigEndian.Uint16(rest[4:]), rest[6 : 4+n]})
			rest = rest[4+n:]
		}

		fr := NewFrameReader(iotest.HalfReader(bytes.NewReader(data)), maxFrame)
		for i := 0; ; i++ {
			tag, payload, err := fr.Next()
			if c := cap(fr.buf); c > maxFrame || c > max(minGrow, 2*len(data)) {
				t.Fatalf("buffer cap %d: limit %d, input %d bytes", c, maxFrame, len(data))
			}
			if err != nil {
				if i != len(want) {
					t.Fatalf("error %v after %d frames, want %d frames", err, i, len(want))
				}
				var tl *FrameTooLargeError
				if _, ok := wantErr.(*FrameTooLargeError); ok {
					if !errors.As(err, &tl) {
						t.Fatalf("err = %v, want *FrameTooLargeError", err)
					}
				} else if err != wantErr {
					t.Fatalf("err = %v, want %v", err, wantErr)
				}
				return
			}
			if i >= len(want) {
				t.Fatalf("frame %d read, reference has %d", i, len(want))
			}
			if tag != want[i].tag || !bytes.Equal(payload, want[i].payload) {
				t.Fatalf("frame %d: tag %d payload %x, want tag %d payload %x", i, tag, payload, want[i].tag, want[i].payload)
			}
			if len(payload)+tagSize > maxFrame {
				t.Fatalf("frame %d: payload %d bytes above limit %d", i, len(payload), maxFrame)
			}
		}
	})
}

func BenchmarkAppendFrame(b *testing.B) {
	for _, size := range []int{16, 256, 4096} {
		b.Run(byteSize(size), func(b *testing.B) {
			payload := make([]byte, size)
			buf := make([]byte, 0, size+FrameHeaderSize)
			b.SetBytes(int64(size + FrameHeaderSize))
			b.ReportAllocs()
			for b.Loop() {
				buf = AppendFrame(buf[:0], 1, payload)
			}
		})
	}
}

func BenchmarkFrameReader(b *testing.B) {
	for _, size := range []int{16, 256, 4096} {
		b.Run(byteSize(size), func(b *testing.B) {
			payload := make([]byte, size)
			var stream []byte
			const perStream = 1024
			for range perStream {
				stream = AppendFrame(stream, 1, payload)
			}
			r := bytes.NewReader(stream)
			fr := NewFrameReader(r, 0)
			b.SetBytes(int64(size + FrameHeaderSize))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := fr.Next(); err != nil {
					r.Reset(stream)
					fr.Reset(r)
					if _, _, err := fr.Next(); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

func byteSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + "MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + "KiB"
	}
	return strconv.Itoa(n) + "B"
}
