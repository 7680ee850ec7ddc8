package durable

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzScan decodes arbitrary bytes as a log: it must never panic, the
// valid prefix it reports must re-encode to the same bytes, and anything
// after it is either a torn tail or corruption, never silently skipped.
func FuzzScan(f *testing.F) {
	f.Add([]byte{})
	f.Add(appendRecord(appendRecord(nil, []byte("hello")), []byte("world")))
	f.Add(appendRecord(nil, []byte("x"))[:5])
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var again []byte
		valid, torn, err := scan("fuzz", data, func(p []byte) error {
			again = appendRecord(again, p)
			return nil
		})
		if !bytes.Equal(again, data[:valid]) {
			t.Fatalf("valid prefix of %d bytes does not re-encode", valid)
		}
		var ce *CorruptError
		switch {
		case err != nil && !errors.As(err, &ce):
			t.Fatalf("unexpected error %v", err)
		case err != nil && (torn || ce.Offset != headerSize+valid):
			t.Fatalf("corruption at %d, valid %d, torn %v", ce.Offset, valid, torn)
		case err == nil && !torn && valid != len(data):
			t.Fatalf("stopped at %d of %d without a reason", valid, len(data))
		}
	})
}

// FuzzSplitBatch decodes arbitrary bytes as a commit's batch of records:
// no panic, every record lies within the input, and a batch that Append
// wrote decodes to the records appended.
func FuzzSplitBatch(f *testing.F) {
	f.Add([]byte{3, 'a', 'b', 'c', 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		total := 0
		var l Log
		err := splitBatch(data, func(p []byte) error {
			total += len(p)
			l.Append(p)
			return nil
		})
		if total > len(data) {
			t.Fatalf("records of %d bytes from %d bytes", total, len(data))
		}
		if err != nil {
			return
		}
		var again Log
		if err := splitBatch(l.batch, func(p []byte) error { again.Append(p); return nil }); err != nil || !bytes.Equal(again.batch, l.batch) {
			t.Fatalf("an appended batch does not round-trip: %v", err)
		}
	})
}
