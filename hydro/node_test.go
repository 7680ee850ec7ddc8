package hydro

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDestAppendTargets(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    Dest
		size int
		want []int
	}{
		{"process", Dest{}, 1, []int{0}},
		{"member modulo size", Dest{Member: 7}, 3, []int{1}},
		{"broadcast", Dest{All: true}, 3, []int{0, 1, 2}},
		// A process partitioned into 4: member 0's partitions 0..3.
		{"partition of a process", Dest{Parts: 4, Part: 6}, 4, []int{2}},
		// 3 members × 5 partitions: member m's partition p is m×5+p.
		{"partition of a member", Dest{Member: 4, Parts: 5, Part: 3}, 15, []int{8}},
		{"one partition of every member", Dest{All: true, Parts: 5, Part: 7}, 15, []int{2, 7, 12}},
		// Fewer members than partitions: one base member, split as it can.
		{"fewer members than partitions", Dest{Parts: 5, Part: 4}, 3, []int{1}},
		{"empty location", Dest{All: true}, 0, nil},
		// Every partition of one member: 3 members × 4 partitions.
		{"every partition of a member", Dest{Member: 4, Parts: 4, AllParts: true, Part: 3}, 12, []int{4, 5, 6, 7}},
		{"every partition of a process", Dest{Parts: 3, AllParts: true}, 3, []int{0, 1, 2}},
		{"every partition of every member", Dest{All: true, Parts: 2, AllParts: true}, 6, []int{0, 1, 2, 3, 4, 5}},
		// Partition 0 of every member: the coordinators.
		{"partition 0 of every member", Dest{All: true, Parts: 3}, 9, []int{0, 3, 6}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.d.AppendTargets(nil, tc.size))
		})
	}
}
