package netio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// DefaultMaxFrame is the default limit on a frame's length field, that is on
// the size of the tag plus the payload.
const DefaultMaxFrame = 16 << 20

// FrameHeaderSize is the number of bytes a frame adds to its payload: the
// 4-byte length and the 2-byte tag.
const FrameHeaderSize = 6

const (
	lenSize = 4 // uint32 big-endian length of tag and payload
	tagSize = 2 // uint16 big-endian type tag

	// minGrow is the smallest buffer FrameReader allocates. Below it,
	// growing step by step costs more than it saves.
	minGrow = 512
)

// ErrMalformedFrame reports a frame whose length field is too small to hold
// the 2-byte type tag.
var ErrMalformedFrame = errors.New("netio: malformed frame: length shorter than the 2-byte tag")

// FrameTooLargeError reports a frame whose length field (tag plus payload)
// exceeds the configured maximum frame size.
type FrameTooLargeError struct {
	Len int64 // length of tag plus payload, as sent or announced
	Max int   // the limit in force
}

// Error implements the error interface.
func (e *FrameTooLargeError) Error() string {
	return fmt.Sprintf("netio: frame of %d bytes exceeds the limit of %d bytes", e.Len, e.Max)
}

// AppendFrame appends one frame carrying tag and payload to dst and returns
// the extended slice. It does not allocate when dst has room for
// FrameHeaderSize+len(payload) more bytes.
//
// AppendFrame does not enforce a frame limit; transports do. It panics if the
// payload is longer than math.MaxUint32-2 bytes, which the length field
// cannot express.
func AppendFrame(dst []byte, tag uint16, payload []byte) []byte {
	if uint64(len(payload)) > math.MaxUint32-tagSize {
		panic("netio: AppendFrame: payload too large for a frame")
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(tagSize+len(payload)))
	dst = binary.BigEndian.AppendUint16(dst, tag)
	return append(dst, payload...)
}

// checkFrameSize reports whether a payload of n bytes fits in a frame whose
// length field may not exceed maxFrame.
func checkFrameSize(n, maxFrame int) error {
	if n > maxFrame-tagSize {
		return &FrameTooLargeError{Len: int64(n) + tagSize, Max: maxFrame}
	}
	return nil
}

// FrameReader reads frames from an io.Reader.
//
// It owns one buffer that it reuses for every frame and grows only as bytes
// actually arrive, never beyond the frame limit: a length field announcing a
// huge frame costs nothing until the bytes are there. In steady state Next
// does not allocate. A FrameReader reads exactly the bytes of each frame and
// nothing more, so it can share an underlying buffered reader with others.
type FrameReader struct {
	r        io.Reader
	maxFrame int
	buf      []byte
	hdr      [lenSize]byte
	err      error
}

// NewFrameReader returns a FrameReader reading from r that rejects frames
// whose length field exceeds maxFrame. A maxFrame of zero or less means
// DefaultMaxFrame.
func NewFrameReader(r io.Reader, maxFrame int) *FrameReader {
	if maxFrame <= 0 {
		maxFrame = DefaultMaxFrame
	}
	if uint64(maxFrame) > math.MaxUint32 {
		maxFrame = math.MaxUint32
	}
	return &FrameReader{r: r, maxFrame: maxFrame}
}

// Reset makes fr read from r, keeping its buffer and limit and clearing any
// error.
func (fr *FrameReader) Reset(r io.Reader) {
	fr.r = r
	fr.err = nil
}

// Next reads the next frame and returns its tag and payload. The payload
// aliases the reader's buffer and is valid only until the next call to Next
// or Reset.
//
// At a clean end of input, between frames, Next returns io.EOF. Input that
// ends inside a frame yields io.ErrUnexpectedEOF. A length field above the
// limit yields a *FrameTooLargeError before anything is allocated, and one
// below 2 yields ErrMalformedFrame. Errors from the underlying reader are
// returned as they are. Every error is sticky: the stream cannot be
// resynchronized, so later calls return the same error.
func (fr *FrameReader) Next() (tag uint16, payload []byte, err error) {
	if fr.err != nil {
		return 0, nil, fr.err
	}
	if _, err := io.ReadFull(fr.r, fr.hdr[:]); err != nil {
		return 0, nil, fr.fail(err)
	}
	n := binary.BigEndian.Uint32(fr.hdr[:])
	if n < tagSize {
		return 0, nil, fr.fail(ErrMalformedFrame)
	}
	if uint64(n) > uint64(fr.maxFrame) {
		return 0, nil, fr.fail(&FrameTooLargeError{Len: int64(n), Max: fr.maxFrame})
	}
	if err := fr.readBody(int(n)); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, nil, fr.fail(err)
	}
	return binary.BigEndian.Uint16(fr.buf), fr.buf[tagSize:], nil
}

func (fr *FrameReader) fail(err error) error {
	fr.err = err
	return err
}

// readBody reads n bytes into fr.buf. When the buffer is too small it grows
// geometrically, and only once the bytes already read have filled it, so the
// memory it takes is bounded by twice what the peer actually sent (and by the
// frame limit), not by what the length field claims.
func (fr *FrameReader) readBody(n int) error {
	if n <= cap(fr.buf) {
		fr.buf = fr.buf[:n]
		_, err := io.ReadFull(fr.r, fr.buf)
		return err
	}
	buf := fr.buf[:cap(fr.buf)]
	got := 0
	for got < n {
		if got == len(buf) {
			size := min(max(2*len(buf), minGrow), fr.maxFrame)
			grown := make([]byte, size)
			copy(grown, buf[:got])
			buf = grown
			fr.buf = buf[:0]
		}
		m, err := io.ReadFull(fr.r, buf[got:min(len(buf), n)])
		got += m
		if err != nil {
			return err
		}
	}
	fr.buf = buf[:n]
	return nil
}
