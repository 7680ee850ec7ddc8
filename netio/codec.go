package netio

import (
	"encoding/binary"
	"errors"
	"math"
)

// Codec is implemented by every type that crosses the network. Hydrogen
// generates both methods for such types, on the pointer receiver, from the
// helpers in this package, encoding the fields in declaration order.
//
// The helpers' encoding rules: fixed-size integers and floats are
// little-endian in their natural width (floats as their IEEE 754 bits); a
// bool is one byte, 0 or 1; varints use the encoding/binary format (LEB128
// for uvarints, zig-zag for signed varints); strings and byte slices are a
// uvarint byte count followed by the bytes; the machine-sized int and uint
// are varint and uvarint, portable between 32- and 64-bit peers; a slice or
// map is its count (AppendLen) followed by its elements.
//
// Append appends the binary encoding of the value to dst and returns the
// extended slice; it does not allocate when dst has enough capacity.
//
// Decode decodes one value from the start of src into the receiver and
// returns the number of bytes consumed. It never panics, reports malformed or
// truncated input with an error (wrapping one of this package's Err values),
// and allocates no more than the input size: every length prefix is checked
// against the bytes that remain before anything is allocated.
type Codec interface {
	Append(dst []byte) []byte
	Decode(src []byte) (int, error)
}

// Errors returned by the decode helpers. They are plain sentinels so that
// decoding stays allocation-free on the error path as well.
var (
	// ErrShort means the input ends before the value does.
	ErrShort = errors.New("netio: decode: input too short")
	// ErrOverflow means a varint is longer than ten bytes or its value does
	// not fit the decoded type.
	ErrOverflow = errors.New("netio: decode: varint overflows its type")
	// ErrLength means a length or count prefix announces more data than the
	// input has left: a string or byte slice cut short reports ErrLength,
	// not ErrShort.
	ErrLength = errors.New("netio: decode: length prefix exceeds the remaining input")
	// ErrBool means a bool was encoded as a byte other than 0 or 1.
	ErrBool = errors.New("netio: decode: bool byte is neither 0 nor 1")
)

// AppendBool appends v as one byte, 1 for true and 0 for false.
func AppendBool(dst []byte, v bool) []byte {
	if v {
		return append(dst, 1)
	}
	return append(dst, 0)
}

// DecodeBool decodes a bool written by AppendBool.
func DecodeBool(src []byte) (v bool, n int, err error) {
	if len(src) < 1 {
		return false, 0, ErrShort
	}
	switch src[0] {
	case 0:
		return false, 1, nil
	case 1:
		return true, 1, nil
	}
	return false, 0, ErrBool
}

// AppendUint8 appends v as one byte.
func AppendUint8(dst []byte, v uint8) []byte { return append(dst, v) }

// DecodeUint8 decodes a uint8 written by AppendUint8.
func DecodeUint8(src []byte) (v uint8, n int, err error) {
	if len(src) < 1 {
		return 0, 0, ErrShort
	}
	return src[0], 1, nil
}

// AppendInt8 appends v as one byte (two's complement).
func AppendInt8(dst []byte, v int8) []byte { return append(dst, uint8(v)) }

// DecodeInt8 decodes an int8 written by AppendInt8.
func DecodeInt8(src []byte) (v int8, n int, err error) {
	if len(src) < 1 {
		return 0, 0, ErrShort
	}
	return int8(src[0]), 1, nil
}

// AppendUint16 appends v as 2 little-endian bytes.
func AppendUint16(dst []byte, v uint16) []byte { return binary.LittleEndian.AppendUint16(dst, v) }

// DecodeUint16 decodes a uint16 written by AppendUint16.
func DecodeUint16(src []byte) (v uint16, n int, err error) {
	if len(src) < 2 {
		return 0, 0, ErrShort
	}
	return binary.LittleEndian.Uint16(src), 2, nil
}

// AppendInt16 appends v as 2 little-endian bytes (two's complement).
func AppendInt16(dst []byte, v int16) []byte { return binary.LittleEndian.AppendUint16(dst, uint16(v)) }

// DecodeInt16 decodes an int16 written by AppendInt16.
func DecodeInt16(src []byte) (v int16, n int, err error) {
	if len(src) < 2 {
		return 0, 0, ErrShort
	}
	return int16(binary.LittleEndian.Uint16(src)), 2, nil
}

// AppendUint32 appends v as 4 little-endian bytes.
func AppendUint32(dst []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(dst, v) }

// DecodeUint32 decodes a uint32 written by AppendUint32.
func DecodeUint32(src []byte) (v uint32, n int, err error) {
	if len(src) < 4 {
		return 0, 0, ErrShort
	}
	return binary.LittleEndian.Uint32(src), 4, nil
}

// AppendInt32 appends v as 4 little-endian bytes (two's complement).
func AppendInt32(dst []byte, v int32) []byte { return binary.LittleEndian.AppendUint32(dst, uint32(v)) }

// DecodeInt32 decodes an int32 written by AppendInt32.
func DecodeInt32(src []byte) (v int32, n int, err error) {
	if len(src) < 4 {
		return 0, 0, ErrShort
	}
	return int32(binary.LittleEndian.Uint32(src)), 4, nil
}

// AppendUint64 appends v as 8 little-endian bytes.
func AppendUint64(dst []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(dst, v) }

// DecodeUint64 decodes a uint64 written by AppendUint64.
func DecodeUint64(src []byte) (v uint64, n int, err error) {
	if len(src) < 8 {
		return 0, 0, ErrShort
	}
	return binary.LittleEndian.Uint64(src), 8, nil
}

// AppendInt64 appends v as 8 little-endian bytes (two's complement).
func AppendInt64(dst []byte, v int64) []byte { return binary.LittleEndian.AppendUint64(dst, uint64(v)) }

// DecodeInt64 decodes an int64 written by AppendInt64.
func DecodeInt64(src []byte) (v int64, n int, err error) {
	if len(src) < 8 {
		return 0, 0, ErrShort
	}
	return int64(binary.LittleEndian.Uint64(src)), 8, nil
}

// AppendFloat32 appends the IEEE 754 bits of v as 4 little-endian bytes.
func AppendFloat32(dst []byte, v float32) []byte {
	return binary.LittleEndian.AppendUint32(dst, math.Float32bits(v))
}

// DecodeFloat32 decodes a float32 written by AppendFloat32. NaN payloads are
// preserved bit for bit.
func DecodeFloat32(src []byte) (v float32, n int, err error) {
	if len(src) < 4 {
		return 0, 0, ErrShort
	}
	return math.Float32frombits(binary.LittleEndian.Uint32(src)), 4, nil
}

// AppendFloat64 appends the IEEE 754 bits of v as 8 little-endian bytes.
func AppendFloat64(dst []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
}

// DecodeFloat64 decodes a float64 written by AppendFloat64. NaN payloads are
// preserved bit for bit.
func DecodeFloat64(src []byte) (v float64, n int, err error) {
	if len(src) < 8 {
		return 0, 0, ErrShort
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(src)), 8, nil
}

// AppendUvarint appends v as an unsigned varint (1 to 10 bytes).
func AppendUvarint(dst []byte, v uint64) []byte { return binary.AppendUvarint(dst, v) }

// DecodeUvarint decodes an unsigned varint. It returns ErrShort if src ends
// inside the varint and ErrOverflow if the value exceeds 64 bits.
func DecodeUvarint(src []byte) (v uint64, n int, err error) {
	v, n = binary.Uvarint(src)
	switch {
	case n > 0:
		return v, n, nil
	case n == 0:
		return 0, 0, ErrShort
	}
	return 0, 0, ErrOverflow
}

// AppendVarint appends v as a zig-zag signed varint (1 to 10 bytes).
func AppendVarint(dst []byte, v int64) []byte { return binary.AppendVarint(dst, v) }

// DecodeVarint decodes a signed varint. It returns ErrShort if src ends
// inside the varint and ErrOverflow if the value exceeds 64 bits.
func DecodeVarint(src []byte) (v int64, n int, err error) {
	v, n = binary.Varint(src)
	switch {
	case n > 0:
		return v, n, nil
	case n == 0:
		return 0, 0, ErrShort
	}
	return 0, 0, ErrOverflow
}

// AppendUint appends v as an unsigned varint.
func AppendUint(dst []byte, v uint) []byte { return binary.AppendUvarint(dst, uint64(v)) }

// DecodeUint decodes a uint written by AppendUint. It returns ErrOverflow if
// the value does not fit this platform's uint.
func DecodeUint(src []byte) (v uint, n int, err error) {
	u, n, err := DecodeUvarint(src)
	if err != nil {
		return 0, 0, err
	}
	if uint64(uint(u)) != u {
		return 0, 0, ErrOverflow
	}
	return uint(u), n, nil
}

// AppendInt appends v as a signed varint.
func AppendInt(dst []byte, v int) []byte { return binary.AppendVarint(dst, int64(v)) }

// DecodeInt decodes an int written by AppendInt. It returns ErrOverflow if
// the value does not fit this platform's int.
func DecodeInt(src []byte) (v int, n int, err error) {
	i, n, err := DecodeVarint(src)
	if err != nil {
		return 0, 0, err
	}
	if int64(int(i)) != i {
		return 0, 0, ErrOverflow
	}
	return int(i), n, nil
}

// AppendString appends s as a uvarint byte count followed by its bytes.
func AppendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// DecodeString decodes a string written by AppendString. The result is a
// fresh string (one allocation unless it is empty) no longer than the input.
func DecodeString(src []byte) (s string, n int, err error) {
	b, n, err := DecodeBytes(src)
	if err != nil {
		return "", 0, err
	}
	return string(b), n, nil
}

// AppendBytes appends b as a uvarint byte count followed by its bytes.
func AppendBytes(dst []byte, b []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

// DecodeBytes decodes a byte slice written by AppendBytes. The result aliases
// src (it is capped so that appending to it cannot overwrite src); copy it
// to keep it beyond the life of src. DecodeBytes does not allocate.
func DecodeBytes(src []byte) (b []byte, n int, err error) {
	// A count under 128 is one byte: that case is small enough to inline
	// into the caller (DecodeString, a generated decoder), the others call.
	if len(src) > 0 && src[0] < 0x80 {
		if end := 1 + int(src[0]); end <= len(src) {
			return src[1:end:end], end, nil
		}
	}
	return decodeBytes(src)
}

// decodeBytes is DecodeBytes for counts of more than one byte and for
// errors.
func decodeBytes(src []byte) (b []byte, n int, err error) {
	l, n, err := DecodeUvarint(src)
	if err != nil {
		return nil, 0, err
	}
	if l > uint64(len(src)-n) {
		return nil, 0, ErrLength
	}
	end := n + int(l)
	return src[n:end:end], end, nil
}

// AppendLen appends the element count of a slice or map as a uvarint.
// It panics if count is negative.
func AppendLen(dst []byte, count int) []byte {
	if count < 0 {
		panic("netio: AppendLen: negative count")
	}
	return binary.AppendUvarint(dst, uint64(count))
}

// DecodeLen decodes an element count written by AppendLen and checks it
// against the input: count*minElemSize may not exceed the bytes left after
// the prefix, so a generated decoder can size a slice or map with the count
// without ever allocating more than the input justifies. minElemSize is the
// smallest encoding of one element; values below 1 are treated as 1, so
// element types with an empty encoding cannot be sent as counted sequences.
func DecodeLen(src []byte, minElemSize int) (count int, n int, err error) {
	l, n, err := DecodeUvarint(src)
	if err != nil {
		return 0, 0, err
	}
	minElemSize = max(minElemSize, 1)
	if l > uint64((len(src)-n)/minElemSize) {
		return 0, 0, ErrLength
	}
	return int(l), n, nil
}
