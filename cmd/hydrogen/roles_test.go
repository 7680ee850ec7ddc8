package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// launcherEnv makes this test binary run as hydrogen itself, so that a test
// can kill a launcher that is a process of its own.
const launcherEnv = "HYDROGEN_TEST_AS_LAUNCHER"

// roleCacheEnv names the directory where the tests keep the role binaries
// they built, for the launchers they start as processes of their own.
const roleCacheEnv = "HYDROGEN_TEST_ROLE_CACHE"

// TestMain runs the tests with buildRole building each role of a package
// once: the tests launch the same few packages dozens of times, and go
// build links every role's binary anew each time (the build cache keeps
// the compiled packages, not the linked executables). Every launch still
// goes through buildRoles, and a role that fails to build fails every
// launch of it. The packages do not change while the tests run.
func TestMain(m *testing.M) {
	if os.Getenv(launcherEnv) == "1" {
		if dir := os.Getenv(roleCacheEnv); dir != "" {
			buildRole = (&roleCache{dir: dir}).build
		}
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	removeStaleRoleCaches()
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", roleCachePrefix, os.Getpid()))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv(roleCacheEnv, dir)
	buildRole = (&roleCache{dir: dir}).build
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// roleCachePrefix begins the name of a role cache directory, which goes on
// with the pid of the test process that made it.
const roleCachePrefix = "hydrogen-test-roles-"

// removeStaleRoleCaches removes the role cache directories of test
// processes that no longer run: a test binary that panics, times out or is
// killed leaves its directory behind.
func removeStaleRoleCaches() {
	if runtime.GOOS == "windows" {
		return // no signal 0 to ask whether a process exists
	}
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), roleCachePrefix+"*-*"))
	for _, dir := range dirs {
		pid, err := strconv.Atoi(strings.Split(strings.TrimPrefix(filepath.Base(dir), roleCachePrefix), "-")[0])
		if err != nil || pid <= 0 {
			continue
		}
		if p, err := os.FindProcess(pid); err == nil && errors.Is(p.Signal(syscall.Signal(0)), os.ErrProcessDone) {
			os.RemoveAll(dir)
		}
	}
}

// roleCache builds each role's main package once into dir and links the
// executable to where a launch wants it. Test processes that share dir
// share the binaries: one is renamed into place only once it is complete.
type roleCache struct {
	dir string

	mu     sync.Mutex
	builds map[string]*roleBuild // by the role's main package directory
}

type roleBuild struct {
	once sync.Once
	exe  string
	err  error
}

func (c *roleCache) build(ctx context.Context, dir, role, exe string) error {
	pkg, err := filepath.Abs(filepath.Join(dir, "cmd", role))
	if err != nil {
		return err
	}
	c.mu.Lock()
	if c.builds == nil {
		c.builds = map[string]*roleBuild{}
	}
	b := c.builds[pkg]
	if b == nil {
		b = &roleBuild{}
		c.builds[pkg] = b
	}
	c.mu.Unlock()
	b.once.Do(func() {
		sum := sha256.Sum256([]byte(pkg))
		b.exe = filepath.Join(c.dir, hex.EncodeToString(sum[:8])+"-"+exeName(role))
		if _, err := os.Stat(b.exe); err == nil {
			return
		}
		tmp := fmt.Sprintf("%s.%d.tmp", b.exe, os.Getpid())
		if b.err = goBuildRole(ctx, dir, role, tmp); b.err == nil {
			b.err = os.Rename(tmp, b.exe)
		}
	})
	if b.err != nil {
		return b.err
	}
	if err := os.Link(b.exe, exe); err != nil {
		return os.Symlink(b.exe, exe)
	}
	return nil
}
