package ops

import (
	"slices"
)

// Sort emits the tick's items, once they are complete, ordered by a
// comparison function (stable: equal items keep their arrival order).
var Sort = register(&Spec{
	Name: "sort", Groups: AllItems, API: "hydro.Sort", Aliases: []string{"hydro.SortOrdered"}, SameElem: true, MinInputs: 1, MaxInputs: 1, Blocking: []int{0}, Stateful: true, Forwards: []int{0},
	New: func(n *Instance, _ *Spec) Interp { return &sortInterp{cmp: n.Payload.(func(a, b any) int)} },
})

type sortInterp struct {
	cmp   func(a, b any) int
	items []any
}

func (s *sortInterp) Push(_ *Env, _ int, x any, _ Emit) { s.items = append(s.items, x) }

func (s *sortInterp) Flush(_ *Env, emit Emit) {
	slices.SortStableFunc(s.items, s.cmp)
	for _, x := range s.items {
		emit(x)
	}
}

func (s *sortInterp) EndTick() {
	clear(s.items)
	s.items = s.items[:0]
}
