package sim

import (
	"time"

	"github.com/hydrogo/hydro/hydro"
)

// node is what the scheduler knows of the node that runs one member: an
// interpreter or a generated node, behind one small interface.
type node interface {
	// tick sets the node's clock to now and runs one tick; the messages it
	// sends go to the simulation that started it.
	tick(now time.Time)
	// pending reports whether the node has work for a tick: queued input or
	// deferred items.
	pending() bool
	// due reports whether one of the node's timers is due at now.
	due(now time.Time) bool
	// deliver hands the node a message that arrived; the node processes it
	// in its next tick.
	deliver(m message) error
	// durable returns the node's durable side, or nil if it keeps nothing
	// durable.
	durable() hydro.DurableNode
}

// message is what crosses the simulated network. Interpreters send items, Go
// values addressed to a network operator by its node ID; generated nodes send
// frames, items in the binary codec of their type addressed to a network
// operator by tag. Either way the message is the receiver's alone: the
// sender's memory is copied when it sends.
type message struct {
	// tag names the network operator: its node ID or its frame tag.
	tag int
	// item is an interpreter's item.
	item any
	// payload is a generated node's frame payload.
	payload []byte
}
