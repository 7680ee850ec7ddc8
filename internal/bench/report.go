package bench

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"text/tabwriter"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// WriteTable prints the points as a table: the measurement, the
// bottleneck process with its CPU per command, and the model's
// predictions next to the measured throughput.
func WriteTable(w io.Writer, pts []Point) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "protocol\tdeployment\tN\tcommands/s\tp50 ms\tp99 ms\tbottleneck\tCPU µs/cmd\tmodel: 1 machine/process\tmodel: this machine\tmeasured/model here\tbatched model, 1 machine/process\tits bottleneck\tlower bound\t")
	for _, p := range pts {
		ratio := "-"
		if p.PredictedHere > 0 {
			ratio = fmt.Sprintf("%.2f", p.Throughput/p.PredictedHere)
		}
		batched, who, slept := "-", "-", "-"
		if p.Batched > 0 {
			batched, who = fmt.Sprintf("%.0f", p.Batched), p.BatchedBottleneck
			slept = fmt.Sprintf("%.0f (%s)", p.BatchedLow, p.BatchedLowBottleneck)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%.2f\t%.2f\t%s\t%.1f\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t\n",
			p.Protocol, p.Deployment, p.Clients, p.Throughput, p.P50, p.P99, p.Bottleneck, p.CPU[p.Bottleneck], p.Predicted, p.PredictedHere, ratio, batched, who, slept)
	}
	return tw.Flush()
}

// WriteCSV writes the points as CSV, one row per point, with the CPU per
// command of every process in one column each.
func WriteCSV(w io.Writer, pts []Point) error {
	procs := labels(pts, func(p Point) map[string]float64 { return p.CPU })
	ticked := labels(pts, func(p Point) map[string]float64 { return p.Ticks })
	cw := csv.NewWriter(w)
	head := []string{"protocol", "deployment", "clients", "completed", "throughput", "p50_ms", "p99_ms", "bottleneck", "predicted_one_machine_per_process", "predicted_this_machine", "cores",
		"predicted_batched_one_machine_per_process", "batched_bottleneck", "predicted_batched_low", "batched_low_bottleneck"}
	for _, label := range procs {
		head = append(head, "cpu_us_per_command:"+label)
	}
	for _, label := range ticked {
		head = append(head, "ticks_per_command:"+label)
	}
	cw.Write(head)
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }
	for _, p := range pts {
		row := []string{p.Protocol, p.Deployment, strconv.Itoa(p.Clients), strconv.Itoa(p.Completed), f(p.Throughput), f(p.P50), f(p.P99),
			p.Bottleneck, f(p.Predicted), f(p.PredictedHere), strconv.Itoa(p.Cores), f(p.Batched), p.BatchedBottleneck,
			f(p.BatchedLow), p.BatchedLowBottleneck}
		for _, label := range procs {
			if v, ok := p.CPU[label]; ok {
				row = append(row, f(v))
			} else {
				row = append(row, "")
			}
		}
		for _, label := range ticked {
			if v, ok := p.Ticks[label]; ok {
				row = append(row, f(v))
			} else {
				row = append(row, "")
			}
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// labels returns the processes that have a value in of any point, sorted.
func labels(pts []Point, of func(Point) map[string]float64) []string {
	var out []string
	for _, p := range pts {
		for label := range of(p) {
			if !slices.Contains(out, label) {
				out = append(out, label)
			}
		}
	}
	slices.Sort(out)
	return out
}

// WriteFiles writes results.csv, results.json and one throughput-latency
// plot per protocol, <protocol>.png, into dir.
func WriteFiles(dir string, pts []Point) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	csvPath := filepath.Join(dir, "results.csv")
	f, err := os.Create(csvPath)
	if err != nil {
		return nil, err
	}
	if err := WriteCSV(f, pts); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	written = append(written, csvPath)
	js, err := json.MarshalIndent(pts, "", "  ")
	if err != nil {
		return nil, err
	}
	jsonPath := filepath.Join(dir, "results.json")
	if err := os.WriteFile(jsonPath, append(js, '\n'), 0o644); err != nil {
		return nil, err
	}
	written = append(written, jsonPath)
	var protocols []string
	for _, p := range pts {
		if !slices.Contains(protocols, p.Protocol) {
			protocols = append(protocols, p.Protocol)
		}
	}
	for _, name := range protocols {
		path := filepath.Join(dir, name+".png")
		if err := plotProtocol(path, name, pts); err != nil {
			return written, fmt.Errorf("plotting %s: %w", name, err)
		}
		written = append(written, path)
	}
	return written, nil
}

// plotProtocol draws the paper's Figure 8 for one protocol: median
// latency against throughput, one line per deployment, a point per number
// of clients, and the model's one-machine-per-process prediction at the
// highest load as a dashed vertical line.
func plotProtocol(path, name string, pts []Point) error {
	p := plot.New()
	p.Title.Text = name + ": throughput and latency"
	p.X.Label.Text = "throughput (commands/s)"
	p.Y.Label.Text = "median latency (ms)"
	p.Legend.Top = true
	p.Legend.Left = true
	var deployments []string
	for _, pt := range pts {
		if pt.Protocol == name && !slices.Contains(deployments, pt.Deployment) {
			deployments = append(deployments, pt.Deployment)
		}
	}
	for i, d := range deployments {
		var xy plotter.XYs
		var last Point
		for _, pt := range pts {
			if pt.Protocol == name && pt.Deployment == d {
				xy = append(xy, plotter.XY{X: pt.Throughput, Y: pt.P50})
				last = pt
			}
		}
		line, points, err := plotter.NewLinePoints(xy)
		if err != nil {
			return err
		}
		line.Color = plotutil.Color(i)
		points.Color = plotutil.Color(i)
		points.Shape = plotutil.Shape(i)
		p.Add(line, points)
		p.Legend.Add(d+" (measured)", line, points)
		if last.Predicted > 0 {
			ymax := 0.0
			for _, q := range xy {
				ymax = max(ymax, q.Y)
			}
			model, err := plotter.NewLine(plotter.XYs{{X: last.Predicted, Y: 0}, {X: last.Predicted, Y: ymax}})
			if err != nil {
				return err
			}
			model.Color = withAlpha(plotutil.Color(i), 160)
			model.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(model)
			p.Legend.Add(fmt.Sprintf("%s (model, 1 machine/process, bottleneck %s)", d, last.Bottleneck), model)
		}
	}
	p.Y.Max *= 1.4 // room for the legend
	return p.Save(8*vg.Inch, 5*vg.Inch, path)
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}

// Scale is the scale factor of a rewrite (paper 002 Figure 11): the peak
// throughput of the flow it derives over its base flow's, measured on this
// machine and as the bottleneck model predicts with one machine per
// process, each at the point of peak measured throughput.
type Scale struct {
	Rewrite string `json:"rewrite"`
	// Derived and Base name the two protocols.
	Derived string `json:"derived"`
	Base    string `json:"base"`
	// Peaks are the two protocols' points of highest measured throughput.
	DerivedPeak Point `json:"derived_peak"`
	BasePeak    Point `json:"base_peak"`
	// Measured is DerivedPeak.Throughput / BasePeak.Throughput; Predicted
	// the same ratio of the model's one-machine-per-process throughputs.
	Measured  float64 `json:"measured"`
	Predicted float64 `json:"predicted_one_machine_per_process"`
	// BatchedClients is the largest N both sweeps measured; BaseBatched
	// and DerivedBatched are the batching model's predictions there, with
	// one machine per process, and Batched their ratio (zero where the
	// sweeps share no N or have no tick counts).
	BatchedClients   int     `json:"batched_clients,omitempty"`
	BaseBatched      float64 `json:"base_batched,omitempty"`
	DerivedBatched   float64 `json:"derived_batched,omitempty"`
	BaseBatchedBy    string  `json:"base_batched_bottleneck,omitempty"`
	DerivedBatchedBy string  `json:"derived_batched_bottleneck,omitempty"`
	Batched          float64 `json:"predicted_batched_one_machine_per_process,omitempty"`
	// BatchedLow is the same ratio of the model's lower bounds.
	BatchedLow float64 `json:"predicted_batched_low,omitempty"`
	// BaseServers and DerivedServers are the batching model's predictions
	// at BatchedClients without the client role's processes
	// (Model.PredictServers), and Servers their ratio.
	BaseServers      float64 `json:"base_servers,omitempty"`
	DerivedServers   float64 `json:"derived_servers,omitempty"`
	BaseServersBy    string  `json:"base_servers_bottleneck,omitempty"`
	DerivedServersBy string  `json:"derived_servers_bottleneck,omitempty"`
	Servers          float64 `json:"predicted_batched_servers,omitempty"`
}

// Scales returns the scale factor of every protocol among protocols that
// names a Base, where pts has points of both.
func Scales(pts []Point, protocols []Protocol) []Scale {
	// peak is the point of highest throughput of a protocol, in one
	// deployment, or in any if dep is "".
	peak := func(name, dep string) (Point, bool) {
		var best Point
		found := false
		for _, p := range pts {
			if p.Protocol == name && (dep == "" || p.Deployment == dep) && (!found || p.Throughput > best.Throughput) {
				best, found = p, true
			}
		}
		return best, found
	}
	var out []Scale
	for _, p := range protocols {
		if p.Base == "" {
			continue
		}
		// Deployments of the same name (with and without syncs) are
		// compared with each other; otherwise the two peaks.
		var pairs [][2]Point
		for _, dep := range p.Deployments {
			d, ok1 := peak(p.Name, dep.Name)
			b, ok2 := peak(p.Base, dep.Name)
			if ok1 && ok2 {
				pairs = append(pairs, [2]Point{b, d})
			}
		}
		if len(pairs) == 0 {
			d, ok1 := peak(p.Name, "")
			b, ok2 := peak(p.Base, "")
			if ok1 && ok2 {
				pairs = append(pairs, [2]Point{b, d})
			}
		}
		for _, pair := range pairs {
			if s, ok := scale(pts, p, pair[0], pair[1]); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// scale compares the derived flow p's peak d with its base's peak b.
func scale(pts []Point, p Protocol, b, d Point) (Scale, bool) {
	if b.Throughput == 0 {
		return Scale{}, false
	}
	s := Scale{Rewrite: p.Rewrite, Derived: p.Name, Base: p.Base, DerivedPeak: d, BasePeak: b, Measured: d.Throughput / b.Throughput}
	if b.Predicted > 0 {
		s.Predicted = d.Predicted / b.Predicted
	}
	if bn, dn, ok := atCommonN(pts, p.Base, b.Deployment, p.Name, d.Deployment); ok {
		s.BatchedClients = bn.Clients
		s.BaseBatched, s.BaseBatchedBy = bn.Batched, bn.BatchedBottleneck
		s.DerivedBatched, s.DerivedBatchedBy = dn.Batched, dn.BatchedBottleneck
		s.Batched = dn.Batched / bn.Batched
		if bn.BatchedLow > 0 {
			s.BatchedLow = dn.BatchedLow / bn.BatchedLow
		}
		if bn.BatchedServers > 0 && dn.BatchedServers > 0 {
			s.BaseServers, s.BaseServersBy = bn.BatchedServers, bn.BatchedServersBottleneck
			s.DerivedServers, s.DerivedServersBy = dn.BatchedServers, dn.BatchedServersBottleneck
			s.Servers = dn.BatchedServers / bn.BatchedServers
		}
	}
	return s, true
}

// atCommonN returns the points of the base's and the derived flow's
// deployments at the largest N both measured, if both have a batching
// prediction there.
func atCommonN(pts []Point, base, baseDep, derived, derivedDep string) (Point, Point, bool) {
	byN := func(proto, dep string) map[int]Point {
		out := map[int]Point{}
		for _, p := range pts {
			if p.Protocol == proto && p.Deployment == dep && p.Batched > 0 {
				out[p.Clients] = p
			}
		}
		return out
	}
	bs, ds := byN(base, baseDep), byN(derived, derivedDep)
	n := -1
	for c := range bs {
		if _, ok := ds[c]; ok && c > n {
			n = c
		}
	}
	if n < 0 {
		return Point{}, Point{}, false
	}
	return bs[n], ds[n], true
}

// WriteModels prints every fitted model: per process, its CPU per tick
// and per command, how well they fit, and its capacity at the peak's N.
func WriteModels(w io.Writer, models []Model) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "protocol\tdeployment\tprocess\tµs/tick (a)\tµs/cmd (b)\tb, 95% upper\tµs/sleep (s)\tsleeps/tick (z)\tR²\trel. error\twindows\tN\tcapacity at N, cmd/s\tlower bound\t")
	for _, m := range models {
		for _, f := range m.Processes {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f\t%.2f\t%.2f\t%.1f\t%.2f\t%.3f\t%.3f\t%d\t%d\t%.0f\t%.0f\t\n", m.Protocol, m.Deployment, f.Process,
				f.PerTick, f.PerCommand, f.PerCommandHigh, m.PerSleep, f.SleepsPerTick, f.R2, f.RelErr, f.Windows, m.PeakClients,
				f.Capacity(m.PeakClients), f.Lower(m.PeakClients, m.PerSleep))
		}
	}
	return tw.Flush()
}

// WriteModelFile writes the fitted models as models.json into dir.
func WriteModelFile(dir string, models []Model) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	js, err := json.MarshalIndent(models, "", "  ")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "models.json")
	return path, os.WriteFile(path, append(js, '\n'), 0o644)
}

// WriteScales prints the scale factors as a table.
func WriteScales(w io.Writer, scales []Scale) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rewrite\tbase → derived\tbase cmd/s\tderived cmd/s\tmeasured ×\tbase bottleneck\tderived bottleneck\tmodel ×, 1 machine/process\tN\tbatched model, base → derived cmd/s\tbatched bottlenecks\tbatched model ×\tlower bound ×\tclients apart, base → derived cmd/s\ttheir bottlenecks\tclients apart ×\t")
	for _, s := range scales {
		batched, who, ratio, slept := "-", "-", "-", "-"
		servers, serversBy, serversRatio := "-", "-", "-"
		if s.Servers > 0 {
			servers = fmt.Sprintf("%.0f → %.0f", s.BaseServers, s.DerivedServers)
			serversBy = s.BaseServersBy + " → " + s.DerivedServersBy
			serversRatio = fmt.Sprintf("%.2f", s.Servers)
		}
		if s.Batched > 0 {
			batched = fmt.Sprintf("%.0f → %.0f", s.BaseBatched, s.DerivedBatched)
			who = s.BaseBatchedBy + " → " + s.DerivedBatchedBy
			ratio = fmt.Sprintf("%.2f", s.Batched)
			slept = fmt.Sprintf("%.2f", s.BatchedLow)
		}
		fmt.Fprintf(tw, "%s\t%s → %s (%s)\t%.0f\t%.0f\t%.2f\t%s (%.1f µs)\t%s (%.1f µs)\t%.2f\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", s.Rewrite, s.Base, s.Derived, s.DerivedPeak.Deployment,
			s.BasePeak.Throughput, s.DerivedPeak.Throughput, s.Measured,
			s.BasePeak.Bottleneck, s.BasePeak.CPU[s.BasePeak.Bottleneck], s.DerivedPeak.Bottleneck, s.DerivedPeak.CPU[s.DerivedPeak.Bottleneck], s.Predicted,
			s.BatchedClients, batched, who, ratio, slept, servers, serversBy, serversRatio)
	}
	return tw.Flush()
}

// WriteScaleFiles writes scales.json and scales.png, the scale factor of
// every rewrite as bars (measured, and predicted with one machine per
// process), like the paper's Figure 11, into dir.
func WriteScaleFiles(dir string, scales []Scale) ([]string, error) {
	if len(scales) == 0 {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	js, err := json.MarshalIndent(scales, "", "  ")
	if err != nil {
		return nil, err
	}
	jsonPath := filepath.Join(dir, "scales.json")
	if err := os.WriteFile(jsonPath, append(js, '\n'), 0o644); err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "scale factor of each rewrite (Figure 11)"
	p.Y.Label.Text = "derived ÷ base throughput (peaks; batching model: at one N)"
	var measured, predicted, batched, slept, servers plotter.Values
	var names []string
	top := 2.6
	for _, s := range scales {
		measured = append(measured, s.Measured)
		predicted = append(predicted, s.Predicted)
		batched = append(batched, s.Batched)
		slept = append(slept, s.BatchedLow)
		servers = append(servers, s.Servers)
		name := s.Rewrite + "\n" + s.Derived
		for _, o := range scales {
			if o.Derived == s.Derived && o.DerivedPeak.Deployment != s.DerivedPeak.Deployment {
				name += "\n" + s.DerivedPeak.Deployment // one flow, several deployments
				break
			}
		}
		names = append(names, name)
		top = max(top, 1.15*s.Measured, 1.15*s.Predicted, 1.15*s.Batched, 1.15*s.Servers)
	}
	w := vg.Points(12)
	legend := []string{"measured, this machine", "CPU per command, 1 machine/process", "batching model, 1 machine/process",
		"batching model, lower bound", "batching model, clients apart"}
	for i, v := range []plotter.Values{measured, predicted, batched, slept, servers} {
		bars, err := plotter.NewBarChart(v, w)
		if err != nil {
			return nil, err
		}
		bars.Color = plotutil.Color(i)
		bars.Offset = (vg.Length(i) - 2) * w
		p.Add(bars)
		p.Legend.Add(legend[i], bars)
	}
	ideal, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: 2}, {X: float64(len(scales)) - 0.5, Y: 2}})
	if err != nil {
		return nil, err
	}
	ideal.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(ideal)
	p.Legend.Add("2× (the most one node to two can give)", ideal)
	p.Legend.Top = true
	p.NominalX(names...)
	p.Y.Min, p.Y.Max = 0, top
	pngPath := filepath.Join(dir, "scales.png")
	if err := p.Save(vg.Length(2+2.3*float64(len(scales)))*vg.Inch, 5*vg.Inch, pngPath); err != nil {
		return nil, err
	}
	return []string{jsonPath, pngPath}, nil
}
