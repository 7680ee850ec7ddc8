package analyze

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/gen/schedule"
	"github.com/hydrogo/hydro/internal/analysis"
	"github.com/hydrogo/hydro/internal/ir"
)

// Explain prints the facts the analyses derive for a flow: per operator its
// location, key and functional dependencies, whether it is monotone and
// functional, and the order and retry status of its output; per location
// its independent components, functional regions, co-partition
// dependencies and candidate partition keys; then the warnings.
func Explain(w io.Writer, f *parse.Flow) error {
	res, err := Run(f, analysis.All...)
	if err != nil {
		return err
	}
	g := f.Graph
	deps := res.Facts[analysis.Deps].(analysis.DepsResult)
	order := res.Facts[analysis.Order].(analysis.OrderResult)
	mono := res.Facts[analysis.Monotone].(*analysis.RegionsResult)
	fun := res.Facts[analysis.Functional].(*analysis.FunctionalResult)
	comps := res.Facts[analysis.Components].(*analysis.ComponentsResult)
	parts := res.Facts[analysis.Partition].(analysis.PartitionResult)
	cds := res.Facts[analysis.CoPartition].([]analysis.CD)
	name := func(id int) string {
		return fmt.Sprintf("n%d %s", id, analysis.NodeAPI(g, id))
	}
	fmt.Fprintf(w, "flow %s\n", f.Name)
	for _, loc := range g.Locations {
		fmt.Fprintf(w, "\nlocation %s (%s)\n", loc.Name, loc.Kind)
		for _, n := range g.Nodes {
			if n.Loc != loc.ID {
				continue
			}
			fmt.Fprintf(w, "  %s at %s: %s\n", name(n.ID), short(n.Pos), n.Elem)
			d := deps[n.ID]
			if len(d.Key) > 0 {
				fmt.Fprintf(w, "      key: (%s)\n", strings.Join(d.Key, ", "))
			}
			for _, fd := range d.FDs {
				var how []string
				if fd.Declared {
					how = append(how, "declared")
				}
				if fd.Derived {
					how = append(how, "derived")
				}
				fmt.Fprintf(w, "      fd: %s (%s)\n", fd, strings.Join(how, ", "))
			}
			fmt.Fprintf(w, "      monotone: %s\n", mono.Nodes[n.ID])
			fmt.Fprintf(w, "      functional: %s\n", fun.Nodes[n.ID])
			fmt.Fprintf(w, "      order: %s\n", arrival(g, order[n.ID]))
		}
		fmt.Fprintf(w, "  independent components:\n")
		for i, c := range comps.List {
			if len(c) == 0 || g.Nodes[c[0]].Loc != loc.ID {
				continue
			}
			fmt.Fprintf(w, "    %s: monotone %s\n", ids(c), mono.Regions[i])
		}
		var regions []string
		for _, c := range fun.Regions.List {
			if len(c) > 0 && g.Nodes[c[0]].Loc == loc.ID {
				regions = append(regions, ids(c))
			}
		}
		if len(regions) > 0 {
			fmt.Fprintf(w, "  functional regions: %s\n", strings.Join(regions, ", "))
		}
		for _, cd := range cds {
			if g.Nodes[cd.Via].Loc == loc.ID {
				fmt.Fprintf(w, "  co-partition: n%d.(%s) ↪ n%d.(%s) by %s, through %s\n", cd.From.Node, strings.Join(cd.From.Fields, ", "),
					cd.To.Node, strings.Join(cd.To.Fields, ", "), cd.By, name(cd.Via))
			}
		}
		fmt.Fprintf(w, "  %s\n", partition(g, parts[loc.ID]))
	}
	if len(res.Diagnostics) > 0 {
		fmt.Fprintf(w, "\nwarnings:\n")
		for _, d := range res.Diagnostics {
			fmt.Fprintf(w, "  %s: %s\n", short(d.Pos), d.Message)
		}
	}
	return nil
}

func arrival(g *ir.Graph, a analysis.Arrival) string {
	s := "ordered"
	if a.Unordered >= 0 {
		s = fmt.Sprintf("unordered since n%d %s", a.Unordered, analysis.NodeAPI(g, a.Unordered))
	}
	if a.Repeats >= 0 {
		s += fmt.Sprintf("; may repeat (retries) since n%d", a.Repeats)
	} else {
		s += "; no repeats"
	}
	return s
}

func ids(c []int) string {
	parts := make([]string, len(c))
	for i, id := range c {
		parts[i] = fmt.Sprintf("n%d", id)
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// short prints a position with the file's base name.
func short(p ir.Pos) string {
	p.File = filepath.Base(p.File)
	return p.String()
}

// Colorings are the facts "hydrogen graph -color" can colour nodes by.
var Colorings = []string{"monotone", "functional", "order"}

// Colors for highlighted graphs.
const (
	green  = "#c8f7c5"
	red    = "#f7c5c5"
	orange = "#ffd59e"
	yellow = "#fff3b0"
)

// Highlight colours a flow's operators by one fact of res: "monotone"
// (green yes, red no), "functional" (green yes), or "order" (orange
// unordered, yellow repeated only), with the fact as a note.
func Highlight(res *analysis.Results, fact string) (*schedule.Highlight, error) {
	h := &schedule.Highlight{Fill: map[int]string{}, Note: map[int]string{}}
	switch fact {
	case "monotone":
		for id, p := range res.Facts[analysis.Monotone].(*analysis.RegionsResult).Nodes {
			h.Fill[id], h.Note[id] = red, "not monotone"
			if p.Yes {
				h.Fill[id], h.Note[id] = green, "monotone"
			}
		}
	case "functional":
		for id, p := range res.Facts[analysis.Functional].(*analysis.FunctionalResult).Nodes {
			if p.Yes {
				h.Fill[id], h.Note[id] = green, "functional"
			}
		}
	case "order":
		for id, a := range res.Facts[analysis.Order].(analysis.OrderResult) {
			switch {
			case a.Unordered >= 0:
				h.Fill[id], h.Note[id] = orange, fmt.Sprintf("unordered since n%d", a.Unordered)
			case a.Repeats >= 0:
				h.Fill[id], h.Note[id] = yellow, fmt.Sprintf("may repeat since n%d", a.Repeats)
			}
		}
	default:
		return nil, fmt.Errorf("cannot colour by %q (want one of %s)", fact, strings.Join(Colorings, ", "))
	}
	return h, nil
}

// partition describes a location's candidate partition keys.
func partition(g *ir.Graph, p *analysis.LocationPartition) string {
	switch {
	case p.Free:
		return "partition keys: any (no operator here combines items)"
	case len(p.Candidates) == 0:
		return "partition keys: none: " + p.Blocked
	}
	var lines []string
	for _, c := range p.Candidates {
		var parts []string
		for _, a := range c {
			via := ""
			if a.Via != nil {
				via = fmt.Sprintf(" computed as by n%d %s", a.Via.Node, analysis.NodeAPI(g, a.Via.Node))
			}
			parts = append(parts, fmt.Sprintf("(%s) of n%d %s%s", strings.Join(a.Fields, ", "), a.Node, analysis.NodeAPI(g, a.Node), via))
		}
		lines = append(lines, "partition key: "+strings.Join(parts, "; "))
	}
	return strings.Join(lines, "\n  ")
}
