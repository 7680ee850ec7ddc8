package sim

import (
	"fmt"
	"time"
)

// Event is one decision of the scheduler, reported to Config.Trace. Two runs
// with the same seed, program and inputs report the same events.
type Event struct {
	// Step is the number of the step that made the decision, from 1; the
	// ticks of TickAll carry the number of the last step before them.
	Step int
	// Now is the simulated clock.
	Now time.Time
	// Kind says what happened.
	Kind EventKind
	// Location and Member name the node concerned: the node that ticked or
	// crashed, or the receiver of the message sent, delivered, duplicated or
	// dropped.
	Location string
	Member   int
	// Tag names the message's network operator (its node ID for an
	// interpreter, its frame tag for a generated node); -1 for Tick and Crash.
	Tag int
}

// EventKind is what a scheduler's decision did.
type EventKind uint8

// The kinds of Event.
const (
	// Tick is a node's tick.
	Tick EventKind = iota + 1
	// Send is a message put on the wire during a tick.
	Send
	// Deliver is a message handed to its receiver.
	Deliver
	// Duplicate is a message chosen for delivery that stays in flight to be
	// delivered again; a Deliver or Drop of the same message follows.
	Duplicate
	// Drop is a message lost by the network or with its receiver's crash.
	Drop
	// Crash is a node's crash and restart.
	Crash
	// CrashBeforeSync is a node's crash in the middle of a tick, after the
	// tick's log write and before its sync; the tick's Tick event follows.
	CrashBeforeSync
)

var kindNames = [...]string{Tick: "tick", Send: "send", Deliver: "deliver", Duplicate: "duplicate", Drop: "drop", Crash: "crash", CrashBeforeSync: "crash-before-sync"}

func (k EventKind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", k)
}

// String formats the event as one line of a trace, with the time since the
// simulation's start.
func (e Event) String() string {
	s := fmt.Sprintf("step %d +%v %s %s/%d", e.Step, e.Now.Sub(time.Unix(0, 0)), e.Kind, e.Location, e.Member)
	if e.Tag >= 0 {
		s += fmt.Sprintf(" tag %d", e.Tag)
	}
	return s
}
