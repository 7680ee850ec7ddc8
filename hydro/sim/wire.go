package sim

// wire is the messages in flight, in the order they were sent. The
// scheduler picks one at random by its position among those left, and
// removing it keeps the order of the others; a slice would move every later
// message on each removal, which made long faulty runs (thousands of
// messages in flight) quadratic. wire keeps removed messages as holes and a
// Fenwick tree of the messages left over the slots, so that finding the
// k-th message and removing one take O(log n); it compacts the slots once
// half of them are holes.
type wire struct {
	slots []flight
	live  []bool
	// tree is a Fenwick tree (1-based) over live, of capacity len(tree)-1,
	// a power of two at least len(slots).
	tree []int
	n    int // messages left
}

// Len returns the number of messages in flight.
func (w *wire) Len() int { return w.n }

// push puts f on the wire, after every message already there.
func (w *wire) push(f flight) {
	if len(w.slots) == len(w.tree)-1 || len(w.tree) == 0 {
		w.rebuild()
	}
	w.slots = append(w.slots, f)
	w.live = append(w.live, true)
	w.add(len(w.slots)-1, 1)
	w.n++
}

// at returns the slot of the k-th message in flight (from 0, in the order
// they were sent).
func (w *wire) at(k int) int {
	capacity := len(w.tree) - 1
	pos, rem := 0, k+1
	for step := capacity; step > 0; step >>= 1 {
		if next := pos + step; next <= capacity && w.tree[next] < rem {
			pos = next
			rem -= w.tree[next]
		}
	}
	return pos
}

// remove takes the message in slot i off the wire.
func (w *wire) remove(i int) {
	w.hole(i)
	w.compact()
}

// removeFunc takes every message for which drop reports true off the wire,
// calling drop on the messages in the order they were sent.
func (w *wire) removeFunc(drop func(flight) bool) {
	for i := range w.slots {
		if w.live[i] && drop(w.slots[i]) {
			w.hole(i)
		}
	}
	w.compact()
}

// hole makes slot i a hole.
func (w *wire) hole(i int) {
	w.slots[i] = flight{}
	w.live[i] = false
	w.add(i, -1)
	w.n--
}

// compact rebuilds the wire once half of its slots are holes.
func (w *wire) compact() {
	if holes := len(w.slots) - w.n; len(w.slots) >= 64 && 2*holes > len(w.slots) {
		w.rebuild()
	}
}

// add adds d to the count of slot i.
func (w *wire) add(i, d int) {
	for j := i + 1; j < len(w.tree); j += j & -j {
		w.tree[j] += d
	}
}

// rebuild moves the messages left to the front of the slots, in order, and
// sizes the tree for twice as many.
func (w *wire) rebuild() {
	k := 0
	for i, f := range w.slots {
		if w.live[i] {
			w.slots[k] = f
			k++
		}
	}
	clear(w.slots[k:])
	w.slots = w.slots[:k]
	w.live = w.live[:k]
	for i := range w.live {
		w.live[i] = true
	}
	capacity := 16
	for capacity < 2*k {
		capacity *= 2
	}
	if cap(w.tree) >= capacity+1 {
		w.tree = w.tree[:capacity+1]
		clear(w.tree)
	} else {
		w.tree = make([]int, capacity+1)
	}
	for j := 1; j <= capacity; j++ {
		if j <= k {
			w.tree[j]++
		}
		if up := j + j&-j; up <= capacity {
			w.tree[up] += w.tree[j]
		}
	}
}
