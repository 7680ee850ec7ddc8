package bench

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// The batching model separates what a process spends per tick, per
// wake-up and per command, so that it can predict what the process does on
// a machine of its own, where it batches, from measurements on this shared
// machine, where a process of a large deployment sees a few commands per
// tick and sleeps between ticks. docs/protocols.md ("Bottleneck model")
// derives it.
//
// Fit: over the windows of one deployment's sweep, from N = 1 up to the
// peak (the largest N whose throughput is within 10% of the highest), process p's CPU time in window w is
// fitted by least squares, with a_p, b_p, s ≥ 0, to
//
//	CPU_w = a_p·ticks_w + b_p·commands_w + s·sleeps_w
//
// where ticks_w are p's ticks (its metrics endpoint), commands_w the
// commands the clients completed and sleeps_w the voluntary context
// switches of p's threads: a thread that blocked waiting for work and was
// woken. The cost of a sleep, s, is one for every process of the
// deployment: it is the runtime's and the kernel's, and a process that is
// idle in every window could not separate it from its cost per tick. b_p
// is per command completed, so it includes the share of the commands that
// pass through p (a partition of five that sees a fifth of them has a b a
// fifth of its cost per command it handles).
//
// Prediction with one machine per process and N closed-loop clients: p,
// saturated, ticks back to back and handles in each tick what arrived
// during the previous one, at most the N commands in flight, so its
// throughput is at most
//
//	X_p(N) = N / (a_p + b_p·N)
//
// and the deployment's is min over p of X_p(N). A saturated process does
// not wait for work; where it still sleeps as often per tick as it did in
// its busiest window here (z_p sleeps per tick), it handles
//
//	X'_p(N) = N / (a_p + s·z_p + b⁺_p·N)
//
// with b⁺_p the upper end of b_p's 95% confidence interval (at most the
// lowest CPU per command p measured): the model's lower bound, for a
// process whose cost per command the sweep could not pin down because it
// never batched here.
//
// In a partition's own units (share f of the commands, per-command cost
// b/f, f·N of them in flight) the bounds are the same: f·N / (a + (b/f)·f·N)
// of its commands per second, that many over f in all.

// ProcessFit is the fitted cost of one process.
type ProcessFit struct {
	Process string `json:"process"`
	// PerTick (a) and PerCommand (b) are CPU microseconds per tick and per
	// command completed.
	PerTick    float64 `json:"per_tick_us"`
	PerCommand float64 `json:"per_command_us"`
	// PerCommandHigh (b⁺) is the upper end of PerCommand's 95% confidence
	// interval, at most the lowest CPU per command measured (a hard bound,
	// as every other cost is non-negative).
	PerCommandHigh float64 `json:"per_command_high_us"`
	// SleepsPerTick (z) are the process's sleeps per tick in the window in
	// which it handled the most commands per tick.
	SleepsPerTick float64 `json:"sleeps_per_tick"`
	// R2 is the coefficient of determination of the fitted CPU per
	// command over the windows (1 - residual / total sum of squares),
	// RelErr the root mean square of the residuals relative to the
	// measured CPU time.
	R2     float64 `json:"r2"`
	RelErr float64 `json:"rel_err"`
	// Windows is the number of windows fitted.
	Windows int `json:"windows"`
}

// Capacity is X_p(n): the commands per second the process can handle on a
// machine of its own with n clients, batching what arrives while it ticks.
// It is +Inf for a process that costs nothing.
func (f ProcessFit) Capacity(n int) float64 {
	return capacity(n, f.PerTick, f.PerCommand)
}

// Lower is X'_p(n), the model's lower bound: the process still sleeps per
// tick as in its busiest window here, each sleep costing perSleep, and
// costs b⁺ per command.
func (f ProcessFit) Lower(n int, perSleep float64) float64 {
	return capacity(n, f.PerTick+perSleep*f.SleepsPerTick, f.PerCommandHigh)
}

func capacity(n int, perTick, perCommand float64) float64 {
	den := perTick + perCommand*float64(n)
	if den <= 0 {
		return math.Inf(1)
	}
	return 1e6 * float64(n) / den
}

// Model is the batching model of one deployment of a protocol.
type Model struct {
	Protocol   string `json:"protocol"`
	Deployment string `json:"deployment"`
	// PerSleep (s) is the CPU microseconds a sleep costs, fitted over every
	// process of the deployment.
	PerSleep  float64      `json:"per_sleep_us"`
	Processes []ProcessFit `json:"processes"`
	// PeakClients is the N of the peak, the largest whose throughput is
	// within 10% of the highest: the fit used the windows with N up to it.
	PeakClients int `json:"peak_clients"`
	// ClientRole is the location whose processes stand for the clients;
	// PredictServers leaves them out.
	ClientRole string `json:"client_role,omitempty"`
}

// Predict returns the model's throughput with one machine per process and
// n clients, min over processes of X_p(n), and the process that bounds it;
// low gives the lower bound, min over processes of X'_p(n).
func (m Model) Predict(n int, low bool) (float64, string) {
	return m.predict(n, low, func(string) bool { return true })
}

// PredictServers is Predict without the processes of the client role: the
// throughput with one machine per process when the clients run on machines
// of their own and never bound it, as in the paper's deployments.
func (m Model) PredictServers(n int) (float64, string) {
	return m.predict(n, false, func(label string) bool { return !isRole(label, m.ClientRole) })
}

// isRole reports whether process label ("client", "replica/2") belongs to
// role.
func isRole(label, role string) bool {
	return role != "" && (label == role || strings.HasPrefix(label, role+"/"))
}

func (m Model) predict(n int, low bool, counts func(string) bool) (float64, string) {
	best, who := math.Inf(1), ""
	for _, f := range m.Processes {
		if !counts(f.Process) {
			continue
		}
		c := f.Capacity(n)
		if low {
			c = f.Lower(n, m.PerSleep)
		}
		if c < best {
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
		// The peak is the plateau's end: the largest N within 10% of the
		// highest throughput, so that a noisy early maximum on a shared
		// machine does not cut the sweep short.
		for _, i := range idx {
			if pts[i].Completed > 0 && len(pts[i].Ticks) > 0 && pts[i].Throughput >= 0.9*pts[peak].Throughput && pts[i].Clients > pts[peak].Clients {
				peak = i
			}
		}
		var windows []Point
		for _, i := range idx {
			if pts[i].Completed > 0 && len(pts[i].Ticks) > 0 && pts[i].Clients <= pts[peak].Clients {
				windows = append(windows, pts[i])
			}
		}
		m := Model{Protocol: k.protocol, Deployment: k.deployment, PeakClients: pts[peak].Clients, ClientRole: pts[peak].ClientRole}
		var procs []string
		for label := range pts[peak].Ticks {
			procs = append(procs, label)
		}
		slices.Sort(procs)
		data := make([]series, len(procs))
		for i, label := range procs {
			data[i].process = label
			busiest := math.Inf(1)
			for _, w := range windows {
				t, ok1 := w.Ticks[label]
				c, ok2 := w.CPU[label]
				if !ok1 || !ok2 {
					continue
				}
				n := float64(w.Completed)
				z := w.Sleeps[label]
				d := &data[i]
				d.cpu, d.ticks, d.cmds, d.sleeps = append(d.cpu, c*n), append(d.ticks, t*n), append(d.cmds, n), append(d.sleeps, z*n)
				if t > 0 && t < busiest {
					busiest, d.sleepsPerTick = t, z/t
				}
			}
		}
		m.PerSleep, m.Processes = fitShared(data)
		for _, i := range idx {
			pts[i].Batched, pts[i].BatchedBottleneck = m.Predict(pts[i].Clients, false)
			pts[i].BatchedLow, pts[i].BatchedLowBottleneck = m.Predict(pts[i].Clients, true)
			if m.ClientRole != "" {
				pts[i].BatchedServers, pts[i].BatchedServersBottleneck = m.PredictServers(pts[i].Clients)
			}
		}
		models = append(models, m)
	}
	return models
}

// series are one process's windows: its CPU time, ticks, commands and
// sleeps in each.
type series struct {
	process                  string
	cpu, ticks, cmds, sleeps []float64
	sleepsPerTick            float64
}

// fitShared fits every process's a and b and the deployment's cost per
// sleep s, all non-negative, by least squares. For a given s the processes
// are independent two-variable fits of CPU - s·sleeps; the residual, a
// partial minimum of a convex quadratic, is convex in s, so a golden-section
// search finds s.
func fitShared(data []series) (float64, []ProcessFit) {
	fitAt := func(s float64) ([]ProcessFit, float64) {
		var fits []ProcessFit
		var total float64
		for _, d := range data {
			y := make([]float64, len(d.cpu))
			for i := range y {
				y[i] = d.cpu[i] - s*d.sleeps[i]
			}
			f, sse := fitCosts(y, d.ticks, d.cmds)
			f.Process, f.SleepsPerTick = d.process, d.sleepsPerTick
			fits = append(fits, f)
			total += sse
		}
		return fits, total
	}
	hi := 0.0
	for _, d := range data {
		for i := range d.cpu {
			if d.sleeps[i] > 0 {
				hi = max(hi, d.cpu[i]/d.sleeps[i])
			}
		}
	}
	lo := 0.0
	const phi = 0.6180339887498949
	for range 80 {
		if hi-lo < 1e-6 {
			break
		}
		m1, m2 := hi-phi*(hi-lo), lo+phi*(hi-lo)
		if _, e1 := fitAt(m1); func() bool { _, e2 := fitAt(m2); return e1 <= e2 }() {
			hi = m2
		} else {
			lo = m1
		}
	}
	s := (lo + hi) / 2
	if _, e0 := fitAt(0); func() bool { _, es := fitAt(s); return e0 <= es }() {
		s = 0
	}
	fits, _ := fitAt(s)
	// Quality, on the CPU per command each window measured.
	for i, d := range data {
		f := &fits[i]
		var mean float64
		per := make([]float64, len(d.cpu))
		for w := range d.cpu {
			per[w] = d.cpu[w] / d.cmds[w]
			mean += per[w]
		}
		f.Windows = len(per)
		if len(per) == 0 {
			continue
		}
		mean /= float64(len(per))
		var sst, sse, rel float64
		for w, v := range per {
			r := v - (f.PerTick*d.ticks[w]+f.PerCommand*d.cmds[w]+s*d.sleeps[w])/d.cmds[w]
			sse += r * r
			sst += (v - mean) * (v - mean)
			if v > 0 {
				rel += (r / v) * (r / v)
			}
		}
		switch {
		case sst > 0:
			f.R2 = 1 - sse/sst
		case sse == 0:
			f.R2 = 1
		}
		f.RelErr = math.Sqrt(rel / float64(len(per)))
		f.PerCommandHigh = perCommandHigh(*f, s, d)
	}
	return s, fits
}

// perCommandHigh is the upper end of the 95% confidence interval of f's
// cost per command, b + 2·SE(b), the standard error from the residuals of
// the fit with the cost per sleep s held: the sweep pins b down only as far
// as the commands per tick varied apart from the ticks and sleeps. It is
// never above the lowest CPU per command measured, since every other cost
// is non-negative; with two windows or fewer that is the bound.
func perCommandHigh(f ProcessFit, s float64, d series) float64 {
	hard := math.Inf(1)
	var stt, stc, scc, sse float64
	for w := range d.cpu {
		hard = min(hard, d.cpu[w]/d.cmds[w])
		stt += d.ticks[w] * d.ticks[w]
		stc += d.ticks[w] * d.cmds[w]
		scc += d.cmds[w] * d.cmds[w]
		r := d.cpu[w] - s*d.sleeps[w] - f.PerTick*d.ticks[w] - f.PerCommand*d.cmds[w]
		sse += r * r
	}
	n := len(d.cpu)
	det := stt*scc - stc*stc
	if n <= 2 || det <= 1e-12*stt*scc {
		return hard
	}
	se := math.Sqrt(sse / float64(n-2) * stt / det)
	return min(hard, f.PerCommand+2*se)
}

// fitCosts fits y = a·t + b·c by least squares with a, b ≥ 0, and
// returns the residual sum of squares.
func fitCosts(y, t, c []float64) (ProcessFit, float64) {
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
	return ProcessFit{PerTick: best.a, PerCommand: best.b}, sse(best.a, best.b)
}
