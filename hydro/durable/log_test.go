package durable

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// collect opens the log and returns the records it replays.
func collect(t *testing.T, dir FS, opts Options) (*Log, []string) {
	t.Helper()
	var got []string
	l, err := Open(dir, opts, func(p []byte) error {
		got = append(got, string(p))
		return nil
	})
	require.NoError(t, err)
	return l, got
}

func TestGroupCommitSyncsOncePerCommit(t *testing.T) {
	m := NewMemFS()
	l, got := collect(t, m, Options{})
	require.Empty(t, got)
	for i := range 100 {
		l.Append([]byte(fmt.Sprint("r", i)))
	}
	require.NoError(t, l.Commit())
	require.NoError(t, l.Commit(), "an empty commit does nothing")
	st := l.Stats()
	require.Equal(t, 1, st.Syncs)
	require.Equal(t, 100, st.Records)

	m.Crash(nil)
	_, got = collect(t, m, Options{})
	require.Len(t, got, 100)
	require.Equal(t, "r99", got[99])
}

func TestCrashLosesOnlyUnsyncedRecords(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 0))
		m := NewMemFS()
		l, _ := collect(t, m, Options{SnapshotBytes: 64})
		var synced []string
		n := 0
		for range rng.IntN(20) {
			var batch []string
			for range rng.IntN(5) {
				r := strings.Repeat("x", rng.IntN(30)) + fmt.Sprint(n)
				n++
				l.Append([]byte(r))
				batch = append(batch, r)
			}
			require.NoError(t, l.Commit())
			synced = append(synced, batch...)
			if l.WantSnapshot() {
				// The live state here is the whole history.
				require.NoError(t, l.Snapshot(func(add func([]byte)) {
					for _, r := range synced {
						add([]byte(r))
					}
				}))
			}
		}
		// A last commit that the crash interrupts before its sync.
		l.Append([]byte("unsynced"))
		m.FailNextSync()
		require.ErrorIs(t, l.Commit(), ErrCrashed)
		require.ErrorIs(t, l.Commit(), ErrCrashed, "a broken log stays broken")
		m.Crash(func(n int) int { return rng.IntN(n) })

		l2, got := collect(t, m, Options{})
		if len(synced) == 0 {
			require.Empty(t, got, "seed %d", seed)
		} else {
			require.Equal(t, synced, got, "seed %d", seed)
		}
		// Appending after recovery from a torn tail works.
		l2.Append([]byte("after"))
		require.NoError(t, l2.Commit())
		_, got = collect(t, m, Options{})
		require.Equal(t, "after", got[len(got)-1])
	}
}

func TestTornTailIsTruncated(t *testing.T) {
	m := NewMemFS()
	l, _ := collect(t, m, Options{})
	l.Append([]byte("one"))
	require.NoError(t, l.Commit())
	l.Append([]byte("two"))
	m.FailNextSync()
	require.Error(t, l.Commit())
	m.Crash(func(n int) int { return n - 1 }) // all but the last byte
	l, got := collect(t, m, Options{})
	require.Equal(t, []string{"one"}, got)
	require.Equal(t, 1+len("two")+headerSize-1, l.Stats().TornBytes)
	data, _ := m.ReadFile(walName(0))
	require.Len(t, data, headerSize+headerSize+1+len("one"), "the torn tail is cut from the file")
}

func TestCorruptionBeforeTheTailRefusesToStart(t *testing.T) {
	m := NewMemFS()
	l, _ := collect(t, m, Options{})
	for _, r := range []string{"first", "second", "third"} {
		l.Append([]byte(r))
		require.NoError(t, l.Commit())
	}
	// Flip a bit in the payload of "second", the frame at offset 22.
	off := headerSize + headerSize + 1 + len("first")
	m.Corrupt(walName(0), off+headerSize+1, 0x10)
	_, err := Open(m, Options{}, func([]byte) error { return nil })
	var ce *CorruptError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, off, ce.Offset)
	require.Contains(t, err.Error(), "memfs/wal-0000000000000000: corrupt at offset 22")

	// A damaged header of the last record whose length points past the end
	// reads as torn, but one that exceeds any record is corruption.
	m2 := NewMemFS()
	l2, _ := collect(t, m2, Options{})
	l2.Append([]byte("a"))
	require.NoError(t, l2.Commit())
	l2.Append([]byte("b"))
	require.NoError(t, l2.Commit())
	m2.Corrupt(walName(0), headerSize+3, 0x80)
	_, err = Open(m2, Options{}, func([]byte) error { return nil })
	require.ErrorAs(t, err, &ce)
	require.Equal(t, headerSize, ce.Offset)
}

func TestSnapshotBoundsDiskAndRecovery(t *testing.T) {
	// A keyed state of 10 keys updated 10,000 times: the log alone would
	// grow with history; snapshots keep the disk near the live state.
	m := NewMemFS()
	l, _ := collect(t, m, Options{SnapshotBytes: 1024})
	state := map[int]int{}
	maxSize := 0
	for i := range 10000 {
		k := i % 10
		state[k] = i
		l.Append(fmt.Appendf(nil, "%d=%d", k, i))
		require.NoError(t, l.Commit())
		if l.WantSnapshot() {
			require.NoError(t, l.Snapshot(func(add func([]byte)) {
				for k := range 10 {
					add(fmt.Appendf(nil, "%d=%d", k, state[k]))
				}
			}))
		}
		maxSize = max(maxSize, m.Size())
	}
	require.Less(t, maxSize, 4*1024, "disk use stays bounded by the live state")
	require.Greater(t, l.Stats().Snapshots, 10)
	_, got := collect(t, m, Options{})
	require.Less(t, len(got), 200, "recovery replays a bounded number of records")
	rebuilt := map[string]string{}
	for _, r := range got {
		k, v, _ := strings.Cut(r, "=")
		rebuilt[k] = v
	}
	for k, v := range state {
		require.Equal(t, fmt.Sprint(v), rebuilt[fmt.Sprint(k)])
	}
	names, _ := m.List()
	require.Len(t, names, 2, "one snapshot and one log: %v", names)
}

func TestCrashDuringSnapshotRecoversAGeneration(t *testing.T) {
	m := NewMemFS()
	l, _ := collect(t, m, Options{})
	l.Append([]byte("a"))
	require.NoError(t, l.Commit())
	// A snapshot that crashed before its rename leaves a .tmp file.
	f, _ := m.Create(snapName(1) + ".tmp")
	f.Write([]byte("HYDSNP01garbage"))
	_, got := collect(t, m, Options{})
	require.Equal(t, []string{"a"}, got)
	names, _ := m.List()
	require.Equal(t, []string{walName(0)}, names)

	// A snapshot renamed into place whose log was not created yet.
	l, _ = collect(t, m, Options{})
	require.NoError(t, l.Snapshot(func(add func([]byte)) { add([]byte("a")) }))
	require.NoError(t, m.Remove(walName(1)))
	_, got = collect(t, m, Options{})
	require.Equal(t, []string{"a"}, got)
}

func TestDiskFullStopsCleanly(t *testing.T) {
	m := NewMemFS()
	l, _ := collect(t, m, Options{})
	m.Limit = m.Size() + 20
	l.Append(make([]byte, 30))
	err := l.Commit()
	require.ErrorIs(t, err, syscall.ENOSPC)
	require.Contains(t, err.Error(), "no space left on device")
	require.Error(t, l.Commit())
}

func TestDirRealFileRoundTrip(t *testing.T) {
	path := t.TempDir()
	d, err := OpenDir(path)
	require.NoError(t, err)
	l, _ := collect(t, d, Options{SnapshotBytes: 100})
	for i := range 50 {
		l.Append(fmt.Appendf(nil, "record %d", i))
		require.NoError(t, l.Commit())
		if l.WantSnapshot() {
			require.NoError(t, l.Snapshot(func(add func([]byte)) { add(fmt.Appendf(nil, "record %d", i)) }))
		}
	}
	require.Equal(t, 50, l.Stats().Syncs)
	require.NoError(t, l.Close())
	require.NoError(t, d.Close())

	d, err = OpenDir(path)
	require.NoError(t, err)
	defer d.Close()
	_, got := collect(t, d, Options{})
	require.Equal(t, "record 49", got[len(got)-1])
}

func TestDirErrors(t *testing.T) {
	path := t.TempDir()
	_, err := OpenDir(filepath.Join(path, "missing"))
	require.ErrorContains(t, err, "missing does not exist")

	file := filepath.Join(path, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err = OpenDir(file)
	require.ErrorContains(t, err, "is not a directory")

	d, err := OpenDir(path)
	require.NoError(t, err)
	_, err = OpenDir(path)
	require.ErrorContains(t, err, "is locked by another running node (pid ")
	require.NoError(t, d.Close())
	d, err = OpenDir(path)
	require.NoError(t, err, "the lock is released on close")
	d.Close()

	if os.Geteuid() != 0 { // root writes anywhere
		ro := filepath.Join(path, "ro")
		require.NoError(t, os.Mkdir(ro, 0o555))
		_, err = OpenDir(ro)
		require.ErrorContains(t, err, "is not writable")
	}
}

func TestReplayErrorStopsRecovery(t *testing.T) {
	m := NewMemFS()
	l, _ := collect(t, m, Options{})
	l.Append([]byte("x"))
	require.NoError(t, l.Commit())
	bad := errors.New("cannot decode")
	_, err := Open(m, Options{}, func([]byte) error { return bad })
	require.ErrorIs(t, err, bad)
	require.ErrorContains(t, err, "record at offset 8")

	// A frame whose checksum holds but whose records do not decode.
	m2 := NewMemFS()
	f, _ := m2.Create(walName(0))
	f.Write(appendRecord(append([]byte(nil), walMagic...), []byte{5, 1}))
	f.Write(appendRecord(nil, []byte{1, 1}))
	_, err = Open(m2, Options{}, func([]byte) error { return nil })
	var ce *CorruptError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, 8, ce.Offset)
}

// observed records what a log reports to its Observer.
type observed struct {
	commits []CommitInfo
	snaps   []SnapshotInfo
}

func (o *observed) Committed(c CommitInfo)     { o.commits = append(o.commits, c) }
func (o *observed) Snapshotted(s SnapshotInfo) { o.snaps = append(o.snaps, s) }

func TestObserverSeesCommitsAndSnapshots(t *testing.T) {
	var o observed
	l, _ := collect(t, NewMemFS(), Options{Observer: &o})
	l.Append([]byte("a"))
	l.Append([]byte("bc"))
	require.NoError(t, l.Commit())
	require.NoError(t, l.Commit(), "an empty commit is not reported")
	require.Len(t, o.commits, 1)
	c := o.commits[0]
	require.Equal(t, 2, c.Records)
	require.True(t, c.Synced)
	require.Equal(t, l.Stats().Bytes, c.Bytes)
	require.Greater(t, c.Bytes, 3, "the frame's length and checksum are counted")

	require.NoError(t, l.Snapshot(func(add func([]byte)) {
		add([]byte("x"))
		add([]byte("y"))
		add([]byte("z"))
	}))
	require.Len(t, o.snaps, 1)
	require.Equal(t, 3, o.snaps[0].Records)
	require.Equal(t, l.Size()-headerSize, o.snaps[0].Bytes)

	var n observed
	l, _ = collect(t, NewMemFS(), Options{Observer: &n, NoSync: true})
	l.Append([]byte("a"))
	require.NoError(t, l.Commit())
	require.False(t, n.commits[0].Synced)
	require.Zero(t, n.commits[0].Sync)
}
