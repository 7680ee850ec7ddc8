package durable

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// FS is the directory a log lives in. Dir is a directory on disk; MemFS is a
// simulated disk whose unsynced writes a crash loses.
type FS interface {
	// ReadFile returns the file's contents; a missing file is an error
	// wrapping fs.ErrNotExist.
	ReadFile(name string) ([]byte, error)
	// Create creates the file, or truncates it, for writing.
	Create(name string) (File, error)
	// Append opens an existing file for writing at its end.
	Append(name string) (File, error)
	// Truncate cuts the file to size bytes.
	Truncate(name string, size int64) error
	// Rename renames a file, replacing newname.
	Rename(oldname, newname string) error
	// Remove deletes a file.
	Remove(name string) error
	// List returns the names of the files, sorted.
	List() ([]string, error)
	// SyncDir makes creations, renames and removals durable.
	SyncDir() error
	// Path names the directory in messages.
	Path() string
}

// File is a file open for writing.
type File interface {
	io.Writer
	// Sync makes everything written so far durable.
	Sync() error
	Close() error
}

// Dir is a data directory on disk, locked for one node: a second Dir of
// the same path fails while the first is open, in this process or another.
type Dir struct {
	path string
	lock *os.File
}

// lockName is the lock file of a data directory; it holds the pid of the
// node that locks it.
const lockName = "LOCK"

// OpenDir opens and locks the data directory at path. The directory must
// exist and be writable, and no other node may hold it.
func OpenDir(path string) (*Dir, error) {
	if path == "" {
		return nil, errors.New("durable: no data directory given")
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("durable: data directory %s does not exist; create it first", path)
	case err != nil:
		return nil, fmt.Errorf("durable: data directory: %w", err)
	case !st.IsDir():
		return nil, fmt.Errorf("durable: data directory %s is not a directory", path)
	}
	f, err := os.OpenFile(filepath.Join(path, lockName), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, fmt.Errorf("durable: data directory %s is not writable: %w", path, err)
		}
		return nil, fmt.Errorf("durable: data directory %s: %w", path, err)
	}
	if err := lockFile(f); err != nil {
		holder, _ := os.ReadFile(filepath.Join(path, lockName))
		f.Close()
		who := ""
		if pid := strings.TrimSpace(string(holder)); pid != "" {
			who = " (pid " + pid + ")"
		}
		return nil, fmt.Errorf("durable: data directory %s is locked by another running node%s: two nodes must not share a data directory", path, who)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	// Probe that files can be created, so that a read-only directory fails
	// here rather than at the first tick.
	probe := filepath.Join(path, "probe.tmp")
	pf, err := os.Create(probe)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("durable: data directory %s is not writable: %w", path, err)
	}
	pf.Close()
	os.Remove(probe)
	return &Dir{path: path, lock: f}, nil
}

// Close releases the directory's lock.
func (d *Dir) Close() error {
	if d.lock == nil {
		return nil
	}
	err := d.lock.Close()
	d.lock = nil
	return err
}

// Path returns the directory's path.
func (d *Dir) Path() string { return d.path }

func (d *Dir) name(n string) string { return filepath.Join(d.path, n) }

// ReadFile implements FS.
func (d *Dir) ReadFile(name string) ([]byte, error) { return os.ReadFile(d.name(name)) }

// Create implements FS.
func (d *Dir) Create(name string) (File, error) {
	f, err := os.OpenFile(d.name(name), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

// Append implements FS.
func (d *Dir) Append(name string) (File, error) {
	f, err := os.OpenFile(d.name(name), os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

// Truncate implements FS.
func (d *Dir) Truncate(name string, size int64) error { return os.Truncate(d.name(name), size) }

// Rename implements FS.
func (d *Dir) Rename(oldname, newname string) error {
	return os.Rename(d.name(oldname), d.name(newname))
}

// Remove implements FS.
func (d *Dir) Remove(name string) error { return os.Remove(d.name(name)) }

// List implements FS.
func (d *Dir) List() ([]string, error) {
	ents, err := os.ReadDir(d.path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if e.Type().IsRegular() {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out, nil
}

// SyncDir implements FS.
func (d *Dir) SyncDir() error {
	f, err := os.Open(d.path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}

// osFile syncs with fdatasync where the system has it.
type osFile struct{ *os.File }

func (f osFile) Sync() error { return datasync(f.File) }
