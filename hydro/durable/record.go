package durable

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// A log or snapshot file is a magic header followed by frames. A frame is
// its payload's length (4 bytes, little endian), the CRC32C of the payload
// (4 bytes, little endian), and the payload: a batch of records, each its
// length (uvarint) and its bytes. A log has one frame per commit, so a
// tick's changes are recovered all together or not at all.
const (
	headerSize = 8
	// MaxRecord bounds a record's payload: a longer length field is
	// corruption, not an allocation.
	MaxRecord = 256 << 20
)

var (
	walMagic   = []byte("HYDWAL01")
	snapMagic  = []byte("HYDSNP01")
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
)

// appendRecord appends the framing of payload and payload to dst.
func appendRecord(dst, payload []byte) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(payload)))
	dst = binary.LittleEndian.AppendUint32(dst, crc32.Checksum(payload, castagnoli))
	return append(dst, payload...)
}

// errTorn reports a record cut short by the end of the data: the tail of a
// write that a crash interrupted.
var errTorn = errors.New("torn record")

// nextRecord decodes the record at the start of src. It returns the
// payload (a subslice of src) and the record's size. A record that the end
// of src cuts short, or whose checksum fails while it reaches the end of
// src, is errTorn; any other bad record is corruption.
func nextRecord(src []byte) (payload []byte, size int, err error) {
	if len(src) < headerSize {
		return nil, 0, errTorn
	}
	n := binary.LittleEndian.Uint32(src)
	sum := binary.LittleEndian.Uint32(src[4:])
	if n > MaxRecord {
		return nil, 0, fmt.Errorf("record of %d bytes exceeds the maximum of %d", n, MaxRecord)
	}
	if uint64(n) > uint64(len(src)-headerSize) {
		return nil, 0, errTorn
	}
	size = headerSize + int(n)
	payload = src[headerSize:size]
	if crc32.Checksum(payload, castagnoli) != sum {
		if size == len(src) {
			return nil, 0, errTorn
		}
		return nil, 0, errors.New("record checksum mismatch")
	}
	return payload, size, nil
}

// splitBatch calls fn for every record of a frame's payload.
func splitBatch(batch []byte, fn func([]byte) error) error {
	for len(batch) > 0 {
		n, k := binary.Uvarint(batch)
		if k <= 0 || n > uint64(len(batch)-k) {
			return &batchError{}
		}
		if err := fn(batch[k : k+int(n)]); err != nil {
			return err
		}
		batch = batch[k+int(n):]
	}
	return nil
}

// batchError is a frame whose checksum holds but whose records do not
// decode: it was written wrong, which is corruption.
type batchError struct{}

func (*batchError) Error() string { return "malformed batch of records" }

// CorruptError reports a log or snapshot that is damaged before its tail:
// recovering past it could lose acknowledged state, so the node refuses to
// start.
type CorruptError struct {
	// Path names the file; Offset is the damaged record's byte offset.
	Path   string
	Offset int
	Err    error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("durable: %s: corrupt at offset %d: %v; refusing to start (restore the data directory or remove it to start empty)", e.Path, e.Offset, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// scan calls fn for every record of data, a file's contents after its
// header. It returns the length of the valid prefix (records that decode)
// and whether the rest is a torn tail; a bad record before the tail is a
// *CorruptError naming path and the record's offset in the file.
func scan(path string, data []byte, fn func(payload []byte) error) (valid int, torn bool, err error) {
	for valid < len(data) {
		p, n, err := nextRecord(data[valid:])
		if errors.Is(err, errTorn) {
			return valid, true, nil
		}
		if err != nil {
			return valid, false, &CorruptError{Path: path, Offset: headerSize + valid, Err: err}
		}
		if err := fn(p); err != nil {
			var be *batchError
			if errors.As(err, &be) {
				return valid, false, &CorruptError{Path: path, Offset: headerSize + valid, Err: err}
			}
			return valid, false, fmt.Errorf("durable: %s: record at offset %d: %w", path, headerSize+valid, err)
		}
		valid += n
	}
	return valid, false, nil
}
