package ir

import "testing"

func TestUnionFind(t *testing.T) {
	u := NewUnionFind(6)
	u.Union(4, 2)
	u.Union(5, 4)
	u.Union(1, 3)
	for x, want := range []int{0, 1, 2, 1, 2, 2} {
		if got := u.Find(x); got != want {
			t.Errorf("Find(%d) = %d, want %d (the smallest member of its set)", x, got, want)
		}
	}
	u.Union(3, 5)
	for _, x := range []int{1, 2, 3, 4, 5} {
		if got := u.Find(x); got != 1 {
			t.Errorf("after joining both sets, Find(%d) = %d, want 1", x, got)
		}
	}
	if u.Find(0) != 0 {
		t.Errorf("Find(0) = %d, want 0: 0 was never joined", u.Find(0))
	}
}
