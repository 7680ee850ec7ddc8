package ops

// Route chooses the members of the destination that receive an item: a member
// index in [0, members), or Everyone.
type Route func(item any, members int) int

// Everyone is the Route result that sends an item to every member.
const Everyone = -1

// NetworkPayload is the erased user code of a network operator.
type NetworkPayload struct {
	Route Route
}

// Send moves a stream to a process. Its node lives at the destination; its
// input at the sender.
var Send = register(&Spec{
	Name: "send", Forwards: []int{0}, API: "hydro.Send", SameElem: true, MinInputs: 1, MaxInputs: 1, Monotone: true, Network: true,
	New: func(*Instance, *Spec) Interp { return &receiveInterp{} },
})

// Broadcast moves a stream to every member of a cluster.
var Broadcast = register(&Spec{
	Name: "broadcast", Forwards: []int{0}, API: "hydro.Broadcast", SameElem: true, MinInputs: 1, MaxInputs: 1, Monotone: true, Network: true,
	New: func(*Instance, *Spec) Interp { return &receiveInterp{} },
})

// Demux moves each item of a stream to one member of a cluster, chosen by a
// function of the item or by a hash of its key.
var Demux = register(&Spec{
	Name: "demux", Forwards: []int{0}, API: "hydro.Demux", By: "hydro.DemuxBy", Keyed: 1, SameElem: true, MinInputs: 1, MaxInputs: 1, Monotone: true, Network: true,
	New: func(*Instance, *Spec) Interp { return &receiveInterp{} },
})

// receiveInterp is the receiving end of a network operator: items delivered
// between ticks are emitted in the next tick, in delivery order.
type receiveInterp struct {
	inbox []any
}

func (r *receiveInterp) Deliver(item any) { r.inbox = append(r.inbox, item) }

func (*receiveInterp) Push(*Env, int, any, Emit) {}

func (r *receiveInterp) Flush(_ *Env, emit Emit) {
	for i, x := range r.inbox {
		emit(x)
		r.inbox[i] = nil
	}
	r.inbox = r.inbox[:0]
}

func (*receiveInterp) EndTick() {}

// Pending reports whether delivered items wait for a tick.
func (r *receiveInterp) Pending() bool { return len(r.inbox) > 0 }
