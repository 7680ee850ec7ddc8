package hydro

import "time"

// Dest is where a node sends an item over the network: one member of a
// location, or all of them.
type Dest struct {
	// Location is the destination location's name.
	Location string
	// Member selects the member; the transport reduces it modulo the
	// location's size (a process has one member).
	Member uint64
	// All sends to every member of the location (Broadcast); Member is
	// ignored.
	All bool
	// Parts is the number of partitions each member of a location
	// partitioned by a rewrite is split into (docs/rewrites.md); 0 or 1 for
	// a location that is not partitioned. Such a location of M logical
	// members (1 for a process) is deployed as M×Parts members: member
	// m×Parts+p is partition p of logical member m.
	Parts uint64
	// Part selects the partition, modulo Parts, within every logical member
	// Member or All selects. A constant Part (0) addresses a fixed
	// partition of every member selected rather than one chosen by a hash:
	// partial partitioning fed by a cluster routes the replicated updates
	// to partition 0, the member's coordinator (docs/rewrites.md).
	Part uint64
	// AllParts, with Parts > 1, sends to every partition of every logical
	// member Member or All selects, and Part is ignored: partial
	// partitioning's publications and commit marks from a member's
	// coordinator reach that member's partitions only.
	AllParts bool
}

// AppendTargets appends to dst the members of a location of size members
// that d addresses, and returns the extended slice. Member and Part are
// reduced modulo the number of logical members and Parts; a location of
// fewer than Parts members has one logical member, split into as many
// partitions as it has members. With AllParts, every partition of each
// logical member selected is a target.
func (d Dest) AppendTargets(dst []int, size int) []int {
	if size <= 0 {
		return dst
	}
	parts := uint64(1)
	if d.Parts > 1 {
		parts = d.Parts
	}
	logical := uint64(size) / parts
	if logical == 0 {
		logical, parts = 1, uint64(size)
	}
	part := d.Part % parts
	add := func(m uint64) {
		if !d.AllParts {
			dst = append(dst, int(m*parts+part))
			return
		}
		for p := range parts {
			dst = append(dst, int(m*parts+p))
		}
	}
	switch {
	case d.All && (parts == 1 || d.AllParts):
		for m := range size {
			dst = append(dst, m)
		}
	case d.All:
		for m := range logical {
			add(m)
		}
	default:
		add(d.Member % logical)
	}
	return dst
}

// NetNode is implemented by every node hydrogen generates for a location of a
// flow, so that a runtime (the per-role mains, the simulator, tests) can move
// its messages. Items cross the network one per frame: tag names the network
// operator, payload is the item in the binary codec of its type.
type NetNode interface {
	// Tick runs one tick.
	Tick()
	// Pending reports whether a tick would have work.
	Pending() bool
	// Deliver decodes one frame received from the network; the item enters
	// the node's next tick. It returns an error, and keeps nothing, for an
	// unknown tag or a payload that does not decode. Deliver does not
	// retain payload.
	Deliver(tag uint16, payload []byte) error
	// OnSend sets the function that carries the node's outgoing frames. It
	// is called during Tick; payload is valid only during the call.
	OnSend(fn func(to Dest, tag uint16, payload []byte))
	// SetMember sets the member's number within its location. Call it before
	// the first tick.
	SetMember(m MemberID)
	// SetNow sets the node's clock, which timers read; an earlier time than
	// the current one is ignored.
	SetNow(t time.Time)
	// NextTimer returns the node-clock time at which its next timer is due,
	// or false if it has no timers.
	NextTimer() (time.Time, bool)
}

// Validator is implemented by the nodes hydrogen generates whose
// parameters need a check the compiler cannot make: a Timer period taken
// from a flow parameter must be positive (a zero period would tick without
// pause). Runtimes call Validate before the first tick and do not start a
// node it fails for; the generated Run calls it first.
type Validator interface {
	Validate() error
}

// SizeSetter is implemented by the nodes hydrogen generates for locations
// that read a cluster's size (hydro.ClusterSize): runtimes call
// SetSizes before the first tick with the number of members of every
// location of the deployment, by name, which hydro.ClusterSize emits.
// SetSizes fails if a cluster the node reads the size of is missing.
type SizeSetter interface {
	SetSizes(sizes map[string]int) error
}

// Port describes an external Input or Output of a flow to the runtimes and
// clients that reach it over the network: frames tagged Tag carry one item
// each, in the codec given by Append and Decode; AppendJSON prints an item
// for a person to read. hydrogen generates one
// function per port, named <Flow><Param>Port.
type Port[T any] struct {
	// Name is the flow parameter's name.
	Name string
	// Tag is the frame tag of the port's items.
	Tag uint16
	// Append appends the encoding of *v to dst.
	Append func(dst []byte, v *T) []byte
	// Decode decodes one item from the start of src into *v and returns the
	// bytes it used.
	Decode func(src []byte, v *T) (int, error)
	// AppendJSON, if not nil, appends *v as JSON, as encoding/json writes
	// it with HTML escaping off, without reflection; hydrogen generates it
	// for the types whose JSON it can write (see docs/deploy.md).
	AppendJSON func(dst []byte, v *T) ([]byte, error)
}

// PortTagBase is the first frame tag of external ports: the port of the
// flow's i-th parameter has tag PortTagBase+i. Tags below it name network
// operators.
const PortTagBase = 0x8000
