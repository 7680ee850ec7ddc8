package durable

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"syscall"
)

// ErrCrashed is the error of a MemFS sync that the simulated machine did not
// survive (see MemFS.FailNextSync).
var ErrCrashed = errors.New("durable: simulated crash before the sync completed")

// MemFS is a simulated disk for deterministic simulation. Writes land in
// the file's unsynced tail; Sync makes them durable; Crash loses what was
// not synced, keeping a prefix of it if asked (a torn write). Creations,
// renames and removals are durable at once, as if every directory change
// were followed by a directory sync. A MemFS is not safe for concurrent use.
type MemFS struct {
	files map[string]*memFile
	// Limit, if positive, is the disk's capacity in bytes: a write that
	// would exceed it fails with ENOSPC, writing nothing.
	Limit    int
	failSync bool
}

type memFile struct {
	data   []byte
	synced int
}

// NewMemFS returns an empty simulated disk.
func NewMemFS() *MemFS { return &MemFS{files: map[string]*memFile{}} }

// FailNextSync makes the next Sync of any file fail with ErrCrashed,
// leaving what it would have synced unsynced: the machine crashes between
// the log write and its sync. Call Crash next.
func (m *MemFS) FailNextSync() { m.failSync = true }

// Crash loses every file's unsynced bytes. torn, if not nil, is called
// with the number of unsynced bytes of each file that has some, in name
// order, and returns how many of them survive (a torn write keeps a prefix).
func (m *MemFS) Crash(torn func(unsynced int) int) {
	m.failSync = false
	for _, name := range m.names() {
		f := m.files[name]
		keep := f.synced
		if n := len(f.data) - f.synced; n > 0 && torn != nil {
			keep += min(max(torn(n), 0), n)
		}
		f.data = f.data[:keep]
		f.synced = keep
	}
}

// Size returns the bytes the disk holds, synced or not.
func (m *MemFS) Size() int {
	n := 0
	for _, f := range m.files {
		n += len(f.data)
	}
	return n
}

// Corrupt flips the bits of mask in byte off of file name (for tests of
// corruption handling).
func (m *MemFS) Corrupt(name string, off int, mask byte) {
	if f, ok := m.files[name]; ok && off < len(f.data) {
		f.data[off] ^= mask
	}
}

func (m *MemFS) names() []string {
	names := make([]string, 0, len(m.files))
	for n := range m.files {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func notExist(op, name string) error {
	return &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
}

// ReadFile implements FS.
func (m *MemFS) ReadFile(name string) ([]byte, error) {
	f, ok := m.files[name]
	if !ok {
		return nil, notExist("read", name)
	}
	return slices.Clone(f.data), nil
}

// Create implements FS.
func (m *MemFS) Create(name string) (File, error) {
	m.files[name] = &memFile{}
	return &memHandle{m: m, name: name}, nil
}

// Append implements FS.
func (m *MemFS) Append(name string) (File, error) {
	if _, ok := m.files[name]; !ok {
		return nil, notExist("open", name)
	}
	return &memHandle{m: m, name: name}, nil
}

// Truncate implements FS.
func (m *MemFS) Truncate(name string, size int64) error {
	f, ok := m.files[name]
	if !ok {
		return notExist("truncate", name)
	}
	if int(size) < len(f.data) {
		f.data = f.data[:size]
		f.synced = min(f.synced, int(size))
	}
	return nil
}

// Rename implements FS.
func (m *MemFS) Rename(oldname, newname string) error {
	f, ok := m.files[oldname]
	if !ok {
		return notExist("rename", oldname)
	}
	delete(m.files, oldname)
	m.files[newname] = f
	return nil
}

// Remove implements FS.
func (m *MemFS) Remove(name string) error {
	if _, ok := m.files[name]; !ok {
		return notExist("remove", name)
	}
	delete(m.files, name)
	return nil
}

// List implements FS.
func (m *MemFS) List() ([]string, error) { return m.names(), nil }

// SyncDir implements FS.
func (m *MemFS) SyncDir() error { return nil }

// Path implements FS.
func (m *MemFS) Path() string { return "memfs" }

type memHandle struct {
	m    *MemFS
	name string
}

func (h *memHandle) file() (*memFile, error) {
	f, ok := h.m.files[h.name]
	if !ok {
		return nil, notExist("write", h.name)
	}
	return f, nil
}

func (h *memHandle) Write(p []byte) (int, error) {
	f, err := h.file()
	if err != nil {
		return 0, err
	}
	if h.m.Limit > 0 && h.m.Size()+len(p) > h.m.Limit {
		return 0, &fs.PathError{Op: "write", Path: h.name, Err: syscall.ENOSPC}
	}
	f.data = append(f.data, p...)
	return len(p), nil
}

func (h *memHandle) Sync() error {
	f, err := h.file()
	if err != nil {
		return err
	}
	if h.m.failSync {
		return fmt.Errorf("sync %s: %w", h.name, ErrCrashed)
	}
	f.synced = len(f.data)
	return nil
}

func (h *memHandle) Close() error { return nil }
