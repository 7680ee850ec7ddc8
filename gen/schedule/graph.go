package schedule

import (
	"fmt"
	"io"
	"strings"
)

func (s *Schedule) label(v int) string {
	n := s.Graph.Nodes[v]
	return fmt.Sprintf("%d %s<br/>%s", v, n.Spec.API, n.Elem)
}

// Mermaid writes the scheduled graph as a Mermaid flowchart: one box per
// subgraph (titled with its stratum), inline edges solid, handoffs dotted,
// state edges (into blocking inputs and DeferTick) thick.
func (s *Schedule) Mermaid(w io.Writer) error {
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	for _, sg := range s.Subgraphs {
		fmt.Fprintf(&b, "  subgraph sg%d [\"subgraph %d, stratum %d\"]\n", sg.ID, sg.ID, sg.Stratum)
		for _, v := range sg.Nodes {
			fmt.Fprintf(&b, "    n%d[\"%s\"]\n", v, strings.ReplaceAll(s.label(v), "\"", "'"))
		}
		b.WriteString("  end\n")
	}
	for _, e := range s.edges() {
		arrow := "-->"
		switch s.Kind[e] {
		case Handoff:
			arrow = "-.->"
		case State:
			arrow = "==>"
		}
		fmt.Fprintf(&b, "  n%d %s|%s %d| n%d\n", e.From, arrow, s.Kind[e], e.Port, e.To)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Dot writes the scheduled graph in Graphviz dot syntax, with the same
// conventions as Mermaid.
func (s *Schedule) Dot(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %q {\n  node [shape=box];\n", s.Graph.Name)
	for _, sg := range s.Subgraphs {
		fmt.Fprintf(&b, "  subgraph cluster_%d {\n    label=\"subgraph %d, stratum %d\";\n", sg.ID, sg.ID, sg.Stratum)
		for _, v := range sg.Nodes {
			fmt.Fprintf(&b, "    n%d [label=%q];\n", v, strings.ReplaceAll(s.label(v), "<br/>", "\n"))
		}
		b.WriteString("  }\n")
	}
	for _, e := range s.edges() {
		style := "solid"
		switch s.Kind[e] {
		case Handoff:
			style = "dashed"
		case State:
			style = "bold"
		}
		fmt.Fprintf(&b, "  n%d -> n%d [label=\"%s %d\", style=%s];\n", e.From, e.To, s.Kind[e], e.Port, style)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}
