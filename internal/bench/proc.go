package bench

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of the CPU times in /proc/<pid>/stat (USER_HZ,
// 100 on every Linux platform Go supports).
const clockTick = 10 * time.Millisecond

// cpuTime returns the CPU time that process pid has used so far: the sum
// over its threads of /proc/<pid>/task/<tid>/schedstat (nanoseconds), or,
// where the kernel has no schedstat, user plus system time from
// /proc/<pid>/stat (in clock ticks of 10ms, too coarse for a process that
// uses a few percent of a core during a 2s window).
func cpuTime(pid int) (time.Duration, error) {
	if d, err := schedTime(pid); err == nil {
		return d, nil
	}
	return statTime(pid)
}

// schedTime sums the on-CPU time of every thread of pid, the first field
// of its schedstat, in nanoseconds.
func schedTime(pid int) (time.Duration, error) {
	ns, err := sumThreads(pid, "schedstat", func(b string) (float64, error) {
		f := strings.Fields(b)
		if len(f) == 0 {
			return 0, fmt.Errorf("empty")
		}
		return strconv.ParseFloat(f[0], 64)
	})
	return time.Duration(ns), err
}

// sleeps returns the voluntary context switches so far of every thread of
// pid: each is a thread that blocked, waiting for work or I/O, and was
// woken again.
func sleeps(pid int) (float64, error) {
	return sumThreads(pid, "status", voluntarySwitches)
}

// sumThreads sums what value reads from /proc/<pid>/task/<tid>/<file> over
// the threads of pid. What threads that exited counted is lost; Go programs
// keep their threads.
func sumThreads(pid int, file string, value func(string) (float64, error)) (float64, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/%s", pid, file))
	if err != nil || len(tasks) == 0 {
		return 0, fmt.Errorf("no %s for the threads of pid %d", file, pid)
	}
	var sum float64
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue // the thread exited
		}
		v, err := value(string(b))
		if err != nil {
			return 0, fmt.Errorf("%s: %w", t, err)
		}
		sum += v
	}
	return sum, nil
}

// voluntarySwitches reads voluntary_ctxt_switches from a status file.
func voluntarySwitches(status string) (float64, error) {
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, "voluntary_ctxt_switches:"); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, fmt.Errorf("no voluntary_ctxt_switches")
}

// statTime returns user plus system time of pid from /proc/<pid>/stat.
func statTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	f, err := statFields(b)
	if err != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	// After the command: state(3) ppid(4) ... utime(14) stime(15).
	utime, err1 := strconv.ParseInt(f[14-3], 10, 64)
	stime, err2 := strconv.ParseInt(f[15-3], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad utime or stime", pid)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// statFields returns the fields of a /proc/<pid>/stat line after the
// command name, which is in parentheses and may contain spaces: field 3
// (state) is at index 0.
func statFields(b []byte) ([]string, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return nil, fmt.Errorf("no command name")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 15-3+1 {
		return nil, fmt.Errorf("%d fields", len(f)+2)
	}
	return f, nil
}

// parentOf returns the parent process ID of pid.
func parentOf(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	f, err := statFields(b)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(f[1])
}

// process is a node of a running deployment: a child of the launcher.
type process struct {
	pid     int
	role    string
	member  int
	label   string // "leader", "participant/2"
	args    []string
	metrics string // the address of its metrics endpoint
}

// children returns the processes whose parent is pid, with their command
// lines.
func children(pid int) ([]process, error) {
	dirs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		return nil, err
	}
	var out []process
	for _, d := range dirs {
		child, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		if ppid, err := parentOf(child); err != nil || ppid != pid {
			continue
		}
		b, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil || len(b) == 0 {
			continue
		}
		args := strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
		out = append(out, process{pid: child, role: filepath.Base(args[0]), args: args[1:]})
	}
	return out, nil
}

// flagValue returns the value of flag name ("-member") in args.
func flagValue(args []string, name string) (string, bool) {
	for i, a := range args {
		if a == name && i+1 < len(args) {
			return args[i+1], true
		}
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v, true
		}
	}
	return "", false
}

// parsePeers parses a node's -peers value: "loc=a,b;loc2=c".
func parsePeers(s string) map[string][]string {
	out := map[string][]string{}
	for _, part := range strings.Split(s, ";") {
		loc, addrs, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		for _, a := range strings.Split(addrs, ",") {
			out[strings.TrimSpace(loc)] = append(out[strings.TrimSpace(loc)], strings.TrimSpace(a))
		}
	}
	return out
}
