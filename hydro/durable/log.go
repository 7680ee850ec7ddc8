// Package durable is the write-ahead log behind durable state: a node
// appends every change a tick makes to its durable state, commits once at
// the end of the tick (one write and one sync, however many changes: group
// commit), and only then lets the tick's messages and outputs go. On restart
// it replays the latest snapshot and then the log. Snapshots replace the
// log once it outgrows the live state, so recovery time and disk use stay
// bounded by what the node holds, not by its history.
//
// A data directory holds snap-G (the snapshot of generation G, absent for
// generation 0), wal-G (the changes since), and LOCK. Both files are a
// magic header and records framed with a length and a CRC32C. Recovery
// truncates a torn record at the tail of the log (a write a crash cut
// short) and refuses to start, naming the file and offset, on damage
// anywhere else. See docs/durability.md.
package durable

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

// Options tune a Log.
type Options struct {
	// NoSync skips the sync of every commit (records are still written):
	// for measuring what syncing costs, never for production.
	NoSync bool
	// SnapshotBytes is the log size below which WantSnapshot never asks
	// for a snapshot; 0 means 1 MiB.
	SnapshotBytes int
	// Observer, if set, is told about every commit and snapshot, on the
	// goroutine that makes them; a runtime turns them into metrics.
	Observer Observer
}

// Observer watches a log's work. Its methods must not call the log.
type Observer interface {
	// Committed reports a commit: the records and bytes it wrote and how
	// long its sync took (zero with NoSync).
	Committed(c CommitInfo)
	// Snapshotted reports a snapshot taken: its records and bytes and how
	// long writing and syncing it took.
	Snapshotted(s SnapshotInfo)
}

// CommitInfo describes one commit to an Observer.
type CommitInfo struct {
	Records, Bytes int
	Synced         bool
	Sync           time.Duration
}

// SnapshotInfo describes one snapshot to an Observer.
type SnapshotInfo struct {
	Records, Bytes int
	Duration       time.Duration
}

// Stats counts a log's work since it was opened.
type Stats struct {
	// Commits counts commits that wrote records; Syncs the syncs among
	// them (Commits unless NoSync); Records the records committed and
	// Bytes the bytes written for them, framing included.
	Commits, Syncs, Records, Bytes int
	// Snapshots counts snapshots taken.
	Snapshots int
	// Recovered counts the records replayed by Open; TornBytes the bytes of
	// a torn tail it truncated.
	Recovered, TornBytes int
}

// Log is an open write-ahead log. It is not safe for concurrent use: a node
// uses it from its tick.
type Log struct {
	fs       FS
	opts     Options
	gen      uint64
	wal      File
	walBytes int    // bytes of the log file, header included
	snapSize int    // bytes of the current snapshot
	batch    []byte // the records of the current commit, each length-prefixed
	frame    []byte // the commit's framed batch
	records  int    // records pending
	stats    Stats
	err      error
}

// snapshotFrame is the size at which a snapshot starts a new frame.
const snapshotFrame = 1 << 20

func walName(g uint64) string  { return fmt.Sprintf("wal-%016x", g) }
func snapName(g uint64) string { return fmt.Sprintf("snap-%016x", g) }

// generation parses the generation of a file named prefix-G.
func generation(name, prefix string) (uint64, bool) {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok || len(rest) != 16 {
		return 0, false
	}
	g, err := strconv.ParseUint(rest, 16, 64)
	return g, err == nil
}

// Open recovers the log in dir: it calls replay for every record of the
// latest snapshot and then of the log, in order, truncates a torn tail, and
// returns the log ready for appends. Damage before the tail is a
// *CorruptError; an error from replay stops recovery and is returned.
func Open(dir FS, opts Options, replay func(record []byte) error) (*Log, error) {
	if opts.SnapshotBytes <= 0 {
		opts.SnapshotBytes = 1 << 20
	}
	l := &Log{fs: dir, opts: opts}
	names, err := dir.List()
	if err != nil {
		return nil, fmt.Errorf("durable: list %s: %w", dir.Path(), err)
	}
	for _, n := range names {
		if g, ok := generation(n, "snap-"); ok && g > l.gen {
			l.gen = g
		}
	}
	if l.gen > 0 {
		name := snapName(l.gen)
		data, err := dir.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("durable: read %s: %w", name, err)
		}
		l.snapSize = len(data)
		if err := l.replayFile(name, data, snapMagic, false, replay); err != nil {
			return nil, err
		}
	}
	name := walName(l.gen)
	data, err := dir.ReadFile(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// A new directory, or a crash between a snapshot's rename and
		// the creation of its log.
		if err := l.createWAL(l.gen); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, fmt.Errorf("durable: read %s: %w", name, err)
	default:
		if len(data) < headerSize {
			// A crash while the header was written: nothing was logged.
			if err := l.createWAL(l.gen); err != nil {
				return nil, err
			}
			break
		}
		if err := l.replayFile(name, data, walMagic, true, replay); err != nil {
			return nil, err
		}
		if l.wal, err = dir.Append(name); err != nil {
			return nil, fmt.Errorf("durable: open %s: %w", name, err)
		}
	}
	// Files of older generations, and snapshots a crash left half written.
	for _, n := range names {
		g, isSnap := generation(n, "snap-")
		w, isWAL := generation(n, "wal-")
		if (isSnap && g < l.gen) || (isWAL && w < l.gen) || strings.HasSuffix(n, ".tmp") {
			if err := dir.Remove(n); err != nil {
				return nil, fmt.Errorf("durable: remove %s: %w", n, err)
			}
		}
	}
	return l, nil
}

// replayFile replays one file's records. In a log, a torn tail is cut off;
// a snapshot is written whole before it is renamed, so any damage is
// corruption.
func (l *Log) replayFile(name string, data, magic []byte, isLog bool, replay func([]byte) error) error {
	path := l.fs.Path() + "/" + name
	if len(data) < headerSize || string(data[:headerSize]) != string(magic) {
		return &CorruptError{Path: path, Offset: 0, Err: errors.New("bad file header")}
	}
	valid, torn, err := scan(path, data[headerSize:], func(batch []byte) error {
		return splitBatch(batch, func(p []byte) error {
			l.stats.Recovered++
			return replay(p)
		})
	})
	if err != nil {
		return err
	}
	if torn && !isLog {
		return &CorruptError{Path: path, Offset: headerSize + valid, Err: errors.New("snapshot cut short")}
	}
	l.walBytes = headerSize + valid
	if torn {
		l.stats.TornBytes = len(data) - l.walBytes
		if err := l.fs.Truncate(name, int64(l.walBytes)); err != nil {
			return fmt.Errorf("durable: truncate the torn tail of %s: %w", path, err)
		}
	}
	return nil
}

// createWAL starts an empty log of generation g.
func (l *Log) createWAL(g uint64) error {
	name := walName(g)
	f, err := l.fs.Create(name)
	if err != nil {
		return fmt.Errorf("durable: create %s: %w", name, err)
	}
	if _, err := f.Write(walMagic); err != nil {
		f.Close()
		return fmt.Errorf("durable: write %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("durable: sync %s: %w", name, err)
	}
	if err := l.fs.SyncDir(); err != nil {
		f.Close()
		return fmt.Errorf("durable: sync %s: %w", l.fs.Path(), err)
	}
	l.wal, l.walBytes = f, headerSize
	return nil
}

// Append adds a record to the current commit. The payload is copied.
func (l *Log) Append(payload []byte) {
	l.batch = binary.AppendUvarint(l.batch, uint64(len(payload)))
	l.batch = append(l.batch, payload...)
	l.records++
}

// Pending returns the number of records appended since the last commit.
func (l *Log) Pending() int { return l.records }

// Commit writes the records appended since the last commit and syncs the
// log once. Without records it does nothing. After a failed commit the log
// is broken: what reached the disk is unknown, so every later commit fails
// with the same error and the node must stop (and recover on restart).
func (l *Log) Commit() error {
	if l.err != nil {
		return l.err
	}
	if l.records == 0 {
		return nil
	}
	name := l.fs.Path() + "/" + walName(l.gen)
	if len(l.batch) > MaxRecord {
		l.err = fmt.Errorf("durable: %s: a tick's changes take %d bytes, more than the maximum of %d", name, len(l.batch), MaxRecord)
		return l.err
	}
	l.frame = appendRecord(l.frame[:0], l.batch)
	if _, err := l.wal.Write(l.frame); err != nil {
		l.err = fmt.Errorf("durable: write %s: %w", name, err)
		return l.err
	}
	var took time.Duration
	if !l.opts.NoSync {
		start := time.Now()
		if err := l.wal.Sync(); err != nil {
			l.err = fmt.Errorf("durable: sync %s: %w", name, err)
			return l.err
		}
		took = time.Since(start)
		l.stats.Syncs++
	}
	l.stats.Commits++
	l.stats.Records += l.records
	l.stats.Bytes += len(l.frame)
	l.walBytes += len(l.frame)
	if o := l.opts.Observer; o != nil {
		o.Committed(CommitInfo{Records: l.records, Bytes: len(l.frame), Synced: !l.opts.NoSync, Sync: took})
	}
	l.batch, l.records = l.batch[:0], 0
	return nil
}

// Err returns the error that broke the log, or nil.
func (l *Log) Err() error { return l.err }

// WantSnapshot reports whether the log has outgrown the live state: it is
// larger than Options.SnapshotBytes and than twice the last snapshot. A
// node that snapshots then keeps its disk under about three times its live
// state and its recovery proportional to it.
func (l *Log) WantSnapshot() bool {
	return l.err == nil && l.walBytes > l.opts.SnapshotBytes && l.walBytes > 2*l.snapSize
}

// Snapshot replaces the snapshot and the log with a snapshot of the live
// state: state calls add once per record that rebuilds it. Records pending
// a commit are committed first. The new snapshot is synced and renamed
// into place before the old files go, so a crash at any point recovers
// either the old generation or the new one.
func (l *Log) Snapshot(state func(add func(record []byte))) error {
	if err := l.Commit(); err != nil {
		return err
	}
	start := time.Now()
	g := l.gen + 1
	name, tmp := snapName(g), snapName(g)+".tmp"
	buf := append([]byte(nil), snapMagic...)
	var batch []byte
	flush := func() {
		if len(batch) > 0 {
			buf = appendRecord(buf, batch)
			batch = batch[:0]
		}
	}
	records := 0
	state(func(p []byte) {
		records++
		if len(batch)+len(p) > snapshotFrame {
			flush()
		}
		batch = binary.AppendUvarint(batch, uint64(len(p)))
		batch = append(batch, p...)
	})
	flush()
	fail := func(op string, err error) error {
		return fmt.Errorf("durable: snapshot: %s %s: %w", op, l.fs.Path()+"/"+name, err)
	}
	f, err := l.fs.Create(tmp)
	if err != nil {
		return fail("create", err)
	}
	if _, err := f.Write(buf); err != nil {
		f.Close()
		return fail("write", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fail("sync", err)
	}
	if err := f.Close(); err != nil {
		return fail("close", err)
	}
	if err := l.fs.Rename(tmp, name); err != nil {
		return fail("rename", err)
	}
	oldGen, oldWAL := l.gen, l.wal
	l.gen, l.snapSize = g, len(buf)
	if err := l.createWAL(g); err != nil {
		l.err = err
		return err
	}
	oldWAL.Close()
	for _, n := range []string{walName(oldGen), snapName(oldGen)} {
		if err := l.fs.Remove(n); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("durable: snapshot: remove %s: %w", n, err)
		}
	}
	l.stats.Snapshots++
	if err := l.fs.SyncDir(); err != nil {
		return err
	}
	if o := l.opts.Observer; o != nil {
		o.Snapshotted(SnapshotInfo{Records: records, Bytes: len(buf), Duration: time.Since(start)})
	}
	return nil
}

// Size returns the bytes of the snapshot and the log on disk.
func (l *Log) Size() int { return l.snapSize + l.walBytes }

// Stats returns the log's counters.
func (l *Log) Stats() Stats { return l.stats }

// Close closes the log file. Records not committed are dropped.
func (l *Log) Close() error {
	if l.wal == nil {
		return nil
	}
	err := l.wal.Close()
	l.wal = nil
	return err
}
