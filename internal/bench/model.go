package bench

import (
	"cmp"
	"math"
	"slices"
)

// The batching model separates what a process spends per tick from what it
// spends per command, so that it can predict what the process does on a
// machine of its own, where it batches, from measurements on this shared
// machine, where a process of a large deployment sees a few commands per
// tick. docs/protocols.md ("Bottleneck model") derives it.
//
// Fit: over the windows of one deployment's sweep, from N = 1 up to the
// point of peak measured throughput, process p's CPU time in window w is
// fitted by least squares, with a, b ≥ 0, to
//
//	CPU_w = a·ticks_w + b·commands_w
//
// where ticks_w are p's ticks (its metrics endpoint) and commands_w the
// commands the clients completed. b is per command completed, so it
// includes the share of the commands that pass through p (a partition of
// five that sees a fifth of them has a b a fifth of its cost per command it
// handles).
//
// Prediction with one machine per process and N closed-loop clients: p,
// saturated, ticks back to back and handles in each tick what arrived
// during the previous one, at most the N commands in flight, so its
// throughput is at most
//
//	X_p(N) = N / (a + b·N)
//
// and the deployment's is min over p of X_p(N). In a partition's own units
// (share f of the commands, per-command cost b/f, f·N of them in flight) the
// bound is the same: f·N / (a + (b/f)·f·N) of its commands per second, that
// many over f in all.

// ProcessFit is the fitted cost of one process.
type ProcessFit struct {
	Process string `json:"process"`
	// PerTick (a) and PerCommand (b) are CPU microseconds per tick and per
	// command completed.
	PerTick    float64 `json:"per_tick_us"`
	PerCommand float64 `json:"per_command_us"`
	// R2 is the coefficient of determination of the fit over its windows
	// (1 - residual / total sum of squares of the CPU time), RelErr the
	// root mean square of the residuals relative to the measured CPU time.
	R2     float64 `json:"r2"`
	RelErr float64 `json:"rel_err"`
	// Windows is the number of windows fitted.
	Windows int `json:"windows"`
}

// Capacity is X_p(n): the commands per second the process can handle on a
// machine of its own with n clients, batching what arrives while it ticks.
// It is +Inf for a process that costs nothing.
func (f ProcessFit) Capacity(n int) float64 {
	den := f.PerTick + f.PerCommand*float64(n)
	if den <= 0 {
		return math.Inf(1)
	}
	return 1e6 * float64(n) / den
}

// Model is the batching model of one deployment of a protocol.
type Model struct {
	Protocol   string       `json:"protocol"`
	Deployment string       `json:"deployment"`
	Processes  []ProcessFit `json:"processes"`
	// PeakClients is the N of the peak: the fit used the windows with N up
	// to it.
	PeakClients int `json:"peak_clients"`
}

// Predict returns the model's throughput with one machine per process and
// n clients, min over processes of X_p(n), and the process that bounds it.
func (m Model) Predict(n int) (float64, string) {
	best, who := math.Inf(1), ""
	for _, f := range m.Processes {
		if c := f.Capacity(n); c < best {
			best, who = c, f.Process
		}
	}
	if who == "" {
		return 0, ""
	}
	return best, who
}

// Fit fits the batching model of every (protocol, deployment) in pts that
// has tick counts, and sets every such point's Batched prediction.
func Fit(pts []Point) []Model {
	type key struct{ protocol, deployment string }
	var keys []key
	groups := map[key][]int{}
	for i, p := range pts {
		k := key{p.Protocol, p.Deployment}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], i)
	}
	var models []Model
	for _, k := range keys {
		idx := groups[k]
		peak := -1
		for _, i := range idx {
			if pts[i].Completed > 0 && len(pts[i].Ticks) > 0 && (peak < 0 || pts[i].Throughput > pts[peak].Throughput) {
				peak = i
			}
		}
		if peak < 0 {
			continue
		}
		var windows []Point
		for _, i := range idx {
			if pts[i].Completed > 0 && len(pts[i].Ticks) > 0 && pts[i].Clients <= pts[peak].Clients {
				windows = append(windows, pts[i])
			}
		}
		m := Model{Protocol: k.protocol, Deployment: k.deployment, PeakClients: pts[peak].Clients}
		var procs []string
		for label := range pts[peak].Ticks {
			procs = append(procs, label)
		}
		slices.Sort(procs)
		for _, label := range procs {
			var cpu, ticks, cmds []float64
			for _, w := range windows {
				t, ok1 := w.Ticks[label]
				c, ok2 := w.CPU[label]
				if !ok1 || !ok2 {
					continue
				}
				n := float64(w.Completed)
				cpu, ticks, cmds = append(cpu, c*n), append(ticks, t*n), append(cmds, n)
			}
			f := fitCosts(cpu, ticks, cmds)
			f.Process = label
			m.Processes = append(m.Processes, f)
		}
		for _, i := range idx {
			pts[i].Batched, pts[i].BatchedBottleneck = m.Predict(pts[i].Clients)
		}
		models = append(models, m)
	}
	return models
}

// fitCosts fits y = a·t + c·b by least squares with a, b ≥ 0, and reports
// how well it fits.
func fitCosts(y, t, c []float64) ProcessFit {
	var stt, stc, scc, sty, scy float64
	for i := range y {
		stt += t[i] * t[i]
		stc += t[i] * c[i]
		scc += c[i] * c[i]
		sty += t[i] * y[i]
		scy += c[i] * y[i]
	}
	sse := func(a, b float64) float64 {
		var s float64
		for i := range y {
			r := y[i] - a*t[i] - b*c[i]
			s += r * r
		}
		return s
	}
	// Candidates: the unconstrained optimum, if it is feasible, and the
	// optima on each boundary (a = 0, b = 0); the best feasible one is the
	// constrained optimum of this convex problem.
	type cand struct{ a, b float64 }
	var cands []cand
	if det := stt*scc - stc*stc; det > 1e-12*stt*scc && det > 0 {
		a := (sty*scc - scy*stc) / det
		b := (scy*stt - sty*stc) / det
		if a >= 0 && b >= 0 {
			cands = append(cands, cand{a, b})
		}
	}
	if scc > 0 {
		cands = append(cands, cand{0, math.Max(0, scy/scc)})
	}
	if stt > 0 {
		cands = append(cands, cand{math.Max(0, sty/stt), 0})
	}
	cands = append(cands, cand{0, 0})
	best := slices.MinFunc(cands, func(x, y cand) int { return cmp.Compare(sse(x.a, x.b), sse(y.a, y.b)) })
	f := ProcessFit{PerTick: best.a, PerCommand: best.b, Windows: len(y)}
	var mean float64
	for _, v := range y {
		mean += v
	}
	if len(y) > 0 {
		mean /= float64(len(y))
	}
	var sst, rel float64
	for i, v := range y {
		sst += (v - mean) * (v - mean)
		if v > 0 {
			r := (v - best.a*t[i] - best.b*c[i]) / v
			rel += r * r
		}
	}
	res := sse(best.a, best.b)
	switch {
	case sst > 0:
		f.R2 = 1 - res/sst
	case res == 0:
		f.R2 = 1
	}
	if len(y) > 0 {
		f.RelErr = math.Sqrt(rel / float64(len(y)))
	}
	return f
}
