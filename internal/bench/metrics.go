package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// metricsEnv starts every node with its Prometheus endpoint (-metrics) on
// a free loopback port; the harness finds the port among the node's
// listening sockets (metricsAddr).
const metricsEnv = "HYDRO_METRICS=127.0.0.1:0"

// nodeCounters are the counters the harness reads from a node's metrics
// endpoint around each window.
type nodeCounters struct {
	// Ticks is the count of hydro_tick_duration_seconds: ticks so far.
	Ticks float64
	// Frames is hydro_frames_total{direction="received"}: frames handed to
	// the node so far.
	Frames float64
	// Sleeps are the voluntary context switches of the node's threads so
	// far, from /proc (sleeps).
	Sleeps float64
}

// parseCounters reads the tick and received-frame counters from a
// Prometheus text exposition.
func parseCounters(r io.Reader) (nodeCounters, error) {
	var c nodeCounters
	ticks := false
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		name, value, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		var dst *float64
		switch name {
		case "hydro_tick_duration_seconds_count":
			dst, ticks = &c.Ticks, true
		case `hydro_frames_total{direction="received"}`:
			dst = &c.Frames
		default:
			continue
		}
		v, err := strconv.ParseFloat(strings.Fields(value)[0], 64)
		if err != nil {
			return c, fmt.Errorf("metric %s: %w", name, err)
		}
		*dst = v
	}
	if err := sc.Err(); err != nil {
		return c, err
	}
	if !ticks {
		return c, fmt.Errorf("no hydro_tick_duration_seconds_count in the metrics")
	}
	return c, nil
}

var metricsClient = &http.Client{Timeout: 5 * time.Second}

// scrape reads the counters of the node whose metrics endpoint is addr.
func scrape(ctx context.Context, addr string) (nodeCounters, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return nodeCounters{}, err
	}
	resp, err := metricsClient.Do(req)
	if err != nil {
		return nodeCounters{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nodeCounters{}, fmt.Errorf("GET /metrics at %s: %s", addr, resp.Status)
	}
	c, err := parseCounters(resp.Body)
	if err != nil {
		return c, fmt.Errorf("metrics at %s: %w", addr, err)
	}
	return c, nil
}

// metricsAddr finds the metrics endpoint of node n: a loopback TCP socket
// the node listens on that is not one of the deployment's peer addresses.
func metricsAddr(ctx context.Context, n process, peers map[string]bool) (string, error) {
	ports, err := listeningPorts(n.pid)
	if err != nil {
		return "", err
	}
	for _, port := range ports {
		addr := "127.0.0.1:" + strconv.Itoa(port)
		if peers[addr] {
			continue
		}
		if _, err := scrape(ctx, addr); err == nil {
			return addr, nil
		}
	}
	return "", fmt.Errorf("%s (pid %d) serves no metrics on any of its listening ports %v", n.label, n.pid, ports)
}

// listeningPorts returns the TCP ports of the listening sockets that
// process pid holds, from its file descriptors and /proc/net/tcp{,6}.
func listeningPorts(pid int) ([]int, error) {
	fds, err := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
	if err != nil {
		return nil, err
	}
	inodes := map[string]bool{}
	for _, fd := range fds {
		link, err := os.Readlink(fd)
		if err != nil {
			continue
		}
		if ino, ok := strings.CutPrefix(link, "socket:["); ok {
			inodes[strings.TrimSuffix(ino, "]")] = true
		}
	}
	var ports []int
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(table)
		if err != nil {
			continue
		}
		ports = append(ports, listeningIn(string(b), inodes)...)
	}
	return ports, nil
}

// listeningIn returns the local ports of the sockets of a /proc/net/tcp
// table that are listening (state 0A) and whose inode is in inodes.
func listeningIn(table string, inodes map[string]bool) []int {
	var ports []int
	for i, line := range strings.Split(table, "\n") {
		f := strings.Fields(line)
		if i == 0 || len(f) < 10 || f[3] != "0A" || !inodes[f[9]] {
			continue
		}
		_, hexPort, ok := strings.Cut(f[1], ":")
		if !ok {
			continue
		}
		if p, err := strconv.ParseUint(hexPort, 16, 16); err == nil {
			ports = append(ports, int(p))
		}
	}
	return ports
}
