//go:build !hydrogen

// (Excluded when hydrogen loads packages, as the protocols' ports are.)

// Command protocolbench measures the repository's protocols as real
// processes: for each protocol and deployment it builds hydrogen, starts
// the protocol through "hydrogen run", drives it with closed-loop clients
// from this process, sweeps the number of clients until throughput
// saturates, and prints a table with the bottleneck model's and the
// batching model's predictions next to the measurements, the fitted models
// and the scale factors of the rewrites. It writes results.csv,
// results.json, models.json, scales.json, scales.png and a
// throughput-latency plot per protocol into -out; -refit DIR fits the
// models of an earlier run again without measuring.
//
//	go run ./internal/bench/cmd/protocolbench [-short] [-all-clients] [-protocols voting,hashset] [-out DIR]
//	go run ./internal/bench/cmd/protocolbench -refit DIR
//
// With -state-scaling it measures instead Figure 6 of examples/shopping
// (bench.StateScaling) with each given number of completed sessions in
// its state, and prints the requests/s, as a ratio to the first, and the
// frames the server received per request, medians of -rounds rounds:
//
//	go run ./internal/bench/cmd/protocolbench -state-scaling 1000,100000 [-rounds 3] [-clients 32] [-warmup 1s] [-window 3s]
//
// make bench-protocols runs it (SHORT=1 for the short mode, under a
// minute).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hydrogo/hydro/internal/bench"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "protocolbench:", err)
		os.Exit(1)
	}
}

func run() error {
	short := flag.Bool("short", false, "measure a few points quickly (under a minute in all)")
	only := flag.String("protocols", "", "comma-separated protocols to measure (default all)")
	deployments := flag.String("deployments", "", "comma-separated deployment names to measure, semicolon-separated when a name holds a comma (default all)")
	clients := flag.String("clients", "", "comma-separated numbers of clients to sweep (default by mode)")
	allClients := flag.Bool("all-clients", false, "measure every number of clients, without stopping once throughput saturates (more windows for the batching model's fit)")
	warmup := flag.Duration("warmup", 0, "warm-up before each window (default by mode)")
	window := flag.Duration("window", 0, "measured window per point (default by mode)")
	refit := flag.String("refit", "", "measure nothing: read DIR/results.json of an earlier run, fit the batching models again, print them with the table and the scale factors, and write models.json, scales.json and scales.png into DIR")
	scaling := flag.String("state-scaling", "", "comma-separated numbers of completed sessions: measure Figure 6 of examples/shopping with each in its state instead")
	rounds := flag.Int("rounds", 3, "with -state-scaling, how often to measure every number of sessions, one round after another")
	spare := flag.Int("spare", 400000, "with -state-scaling, client IDs beyond the largest preload that the class table covers")
	out := flag.String("out", filepath.Join(os.TempDir(), "hydro-protocol-bench"), "directory for results.csv, results.json and the plots")
	flag.Parse()
	if *refit != "" {
		return refitRun(*refit)
	}

	cfg := bench.Full()
	if *short {
		cfg = bench.Short()
	}
	if *clients != "" {
		var err error
		if cfg.Clients, err = counts(*clients); err != nil {
			return fmt.Errorf("-clients: %w", err)
		}
	}
	cfg.AllClients = *allClients
	if *warmup > 0 {
		cfg.Warmup = *warmup
	}
	if *window > 0 {
		cfg.Window = *window
	}
	var protocols []bench.Protocol
	if *scaling == "" {
		var err error
		if protocols, err = choose(bench.Protocols(), *only, *deployments, *short); err != nil {
			return err
		}
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "protocolbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	hydrogen := filepath.Join(tmp, "hydrogen")
	build := exec.Command("go", "build", "-o", hydrogen, "./cmd/hydrogen")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building hydrogen: %w", err)
	}
	cfg.Launcher, cfg.Dir, cfg.Log = []string{hydrogen, "run"}, root, os.Stderr

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	if *scaling != "" {
		sc := bench.ScalingConfig{Config: cfg, Clients: 32, Spare: *spare, Rounds: *rounds}
		if *clients != "" {
			sc.Clients = cfg.Clients[0]
		}
		if *warmup == 0 {
			sc.Warmup = time.Second
		}
		if *window == 0 {
			sc.Window = 3 * time.Second
		}
		if sc.Sessions, err = counts(*scaling); err != nil {
			return fmt.Errorf("-state-scaling: %w", err)
		}
		pts, runErr := bench.StateScaling(ctx, sc)
		fmt.Printf("\nFigure 6 as processes, %d closed-loop clients, one complete session per request; the machine may be shared.\n\n", sc.Clients)
		if err := bench.WriteScaling(os.Stdout, pts); err != nil {
			return err
		}
		fmt.Printf("took %v\n", time.Since(start).Round(time.Second))
		return runErr
	}
	pts, runErr := bench.Run(ctx, cfg, protocols)
	models := bench.Fit(pts)
	fmt.Printf("\n%d CPUs; the machine may be shared, so read throughput as a lower bound. Model columns are predictions: from CPU per command, and from the batching model's CPU per tick and per command.\n\n", pts0Cores(pts))
	if err := bench.WriteTable(os.Stdout, pts); err != nil {
		return err
	}
	if len(models) > 0 {
		fmt.Println()
		if err := bench.WriteModels(os.Stdout, models); err != nil {
			return err
		}
	}
	scales := bench.Scales(pts, protocols)
	if len(scales) > 0 {
		fmt.Println()
		if err := bench.WriteScales(os.Stdout, scales); err != nil {
			return err
		}
	}
	files, err := bench.WriteFiles(*out, pts)
	if err == nil {
		var more []string
		more, err = bench.WriteScaleFiles(*out, scales)
		files = append(files, more...)
	}
	if err == nil && len(models) > 0 {
		var path string
		path, err = bench.WriteModelFile(*out, models)
		files = append(files, path)
	}
	for _, f := range files {
		fmt.Println("wrote", f)
	}
	fmt.Printf("took %v\n", time.Since(start).Round(time.Second))
	if runErr != nil {
		return runErr
	}
	return err
}

// refitRun fits the models of an earlier run again, from its results.json.
func refitRun(dir string) error {
	js, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		return err
	}
	var pts []bench.Point
	if err := json.Unmarshal(js, &pts); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, "results.json"), err)
	}
	measured := map[string]bool{}
	for _, p := range pts {
		measured[p.Protocol+"\x00"+p.Deployment] = true
	}
	var protocols []bench.Protocol
	for _, p := range bench.Protocols() {
		p.Deployments = slices.DeleteFunc(p.Deployments, func(d bench.Deployment) bool { return !measured[p.Name+"\x00"+d.Name] })
		if len(p.Deployments) > 0 {
			protocols = append(protocols, p)
		}
	}
	models := bench.Fit(pts)
	if err := bench.WriteTable(os.Stdout, pts); err != nil {
		return err
	}
	fmt.Println()
	if err := bench.WriteModels(os.Stdout, models); err != nil {
		return err
	}
	scales := bench.Scales(pts, protocols)
	fmt.Println()
	if err := bench.WriteScales(os.Stdout, scales); err != nil {
		return err
	}
	files, err := bench.WriteScaleFiles(dir, scales)
	if err != nil {
		return err
	}
	path, err := bench.WriteModelFile(dir, models)
	if err != nil {
		return err
	}
	for _, f := range append(files, path) {
		fmt.Println("wrote", f)
	}
	return nil
}

func pts0Cores(pts []bench.Point) int {
	if len(pts) == 0 {
		return 0
	}
	return pts[0].Cores
}

// choose filters protocols and deployments by name (a list separated by
// commas or, for names that hold commas such as Paxos's, by semicolons);
// the short mode keeps each protocol's first deployment.
func choose(all []bench.Protocol, protocols, deployments string, short bool) ([]bench.Protocol, error) {
	var out []bench.Protocol
	names := split(protocols)
	for _, p := range all {
		if len(names) > 0 && !slices.Contains(names, p.Name) {
			continue
		}
		if ds := split(deployments); len(ds) > 0 {
			whole := splitBy(deployments, ";")
			p.Deployments = slices.DeleteFunc(p.Deployments, func(d bench.Deployment) bool {
				return !slices.Contains(ds, d.Name) && !slices.Contains(whole, d.Name)
			})
		} else if short {
			p.Deployments = p.Deployments[:1]
		}
		if len(p.Deployments) > 0 {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		var have []string
		for _, p := range all {
			have = append(have, p.Name)
		}
		return nil, fmt.Errorf("no protocol or deployment matches (protocols: %s)", strings.Join(have, ", "))
	}
	return out, nil
}

// counts parses a comma-separated list of positive numbers.
func counts(s string) ([]int, error) {
	var out []int
	for _, f := range split(s) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no numbers in %q", s)
	}
	return out, nil
}

func split(s string) []string { return splitBy(s, ",") }

// splitBy splits s at sep, trimming spaces and dropping empty fields.
func splitBy(s, sep string) []string {
	var out []string
	for _, f := range strings.Split(s, sep) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// moduleRoot returns the directory of the go.mod above the working
// directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}
