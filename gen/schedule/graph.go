package schedule

import (
	"fmt"
	"io"
	"strings"
)

// Highlight colours operators in a printed graph, for instance by what the
// analyses found about them.
type Highlight struct {
	// Fill is the fill colour of a node ("#c8f7c5"), by ID; nodes without
	// one are not filled.
	Fill map[int]string
	// Note is a line added to a node's label, by ID.
	Note map[int]string
}

func (s *Schedule) label(v int, h *Highlight) string {
	n := s.Graph.Nodes[v]
	l := fmt.Sprintf("%d %s<br/>%s", v, n.Spec.API, n.Elem)
	if h != nil && h.Note[v] != "" {
		l += "<br/>" + h.Note[v]
	}
	return l
}

// Mermaid writes the scheduled graph as a Mermaid flowchart: one box per
// subgraph (titled with its stratum), inline edges solid, handoffs dotted,
// state edges (into blocking inputs and DeferTick) thick.
func (s *Schedule) Mermaid(w io.Writer) error { return s.MermaidHighlight(w, nil) }

// MermaidHighlight writes the graph as Mermaid does, with the nodes
// coloured and annotated by h.
func (s *Schedule) MermaidHighlight(w io.Writer, h *Highlight) error {
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	for _, sg := range s.Subgraphs {
		fmt.Fprintf(&b, "  subgraph sg%d [\"subgraph %d, stratum %d\"]\n", sg.ID, sg.ID, sg.Stratum)
		for _, v := range sg.Nodes {
			fmt.Fprintf(&b, "    n%d[\"%s\"]\n", v, strings.ReplaceAll(s.label(v, h), "\"", "'"))
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
	if h != nil {
		for _, sg := range s.Subgraphs {
			for _, v := range sg.Nodes {
				if c := h.Fill[v]; c != "" {
					fmt.Fprintf(&b, "  style n%d fill:%s\n", v, c)
				}
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Dot writes the scheduled graph in Graphviz dot syntax, with the same
// conventions as Mermaid.
func (s *Schedule) Dot(w io.Writer) error { return s.DotHighlight(w, nil) }

// DotHighlight writes the graph as Dot does, with the nodes coloured and
// annotated by h.
func (s *Schedule) DotHighlight(w io.Writer, h *Highlight) error {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %q {\n  node [shape=box];\n", s.Graph.Name)
	for _, sg := range s.Subgraphs {
		fmt.Fprintf(&b, "  subgraph cluster_%d {\n    label=\"subgraph %d, stratum %d\";\n", sg.ID, sg.ID, sg.Stratum)
		for _, v := range sg.Nodes {
			fill := ""
			if h != nil && h.Fill[v] != "" {
				fill = fmt.Sprintf(", style=filled, fillcolor=%q", h.Fill[v])
			}
			fmt.Fprintf(&b, "    n%d [label=%q%s];\n", v, strings.ReplaceAll(s.label(v, h), "<br/>", "\n"), fill)
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
