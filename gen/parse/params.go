package parse

// ParamsAt returns the parameters of f that the operators at location loc
// use, in parameter order: the ports their sources and sinks read and write,
// and the values their functions and expressions capture. A node of that
// location needs only these; the others may be left at their zero values.
func ParamsAt(f *Flow, loc int) []*Param {
	used := map[*Param]bool{}
	for _, n := range f.Graph.Nodes {
		info := SyntaxOf(n)
		// A network operator's functions (DemuxBy's member choice) run at
		// the sender; the rest of it at the receiver.
		fnLoc := n.Loc
		if n.Spec.Network {
			fnLoc = f.Graph.Nodes[n.Inputs[0]].Loc
		}
		if fnLoc == loc {
			for _, u := range info.UDFs {
				for _, p := range u.Captures {
					used[p] = true
				}
			}
		}
		if n.Loc != loc {
			continue
		}
		if info.Param != nil {
			used[info.Param] = true
		}
		for _, p := range info.ExprCaptures {
			used[p] = true
		}
	}
	var out []*Param
	for _, p := range f.Params {
		if used[p] {
			out = append(out, p)
		}
	}
	return out
}

// LocationByName returns the ID of f's location called name.
func LocationByName(f *Flow, name string) (int, bool) {
	for _, l := range f.Graph.Locations {
		if l.Name == name {
			return l.ID, true
		}
	}
	return 0, false
}

// UsesNetwork reports whether some operator of f moves items between
// locations.
func UsesNetwork(f *Flow) bool {
	for _, n := range f.Graph.Nodes {
		if n.Spec.Network {
			return true
		}
	}
	return false
}
