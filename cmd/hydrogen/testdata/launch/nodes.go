//go:build !hydrogen

package launch

import (
	"fmt"
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/netio"
)

// This file stands in for the code hydrogen generates for Hello: the nodes
// of its two locations and its ports. Like generated code it is left out
// when hydrogen loads the package.

// reportTag is the frame tag of Hello's one network operator, hydro.Send.
const reportTag = 5

func appendString(dst []byte, v *string) []byte { return netio.AppendString(dst, *v) }

func decodeString(src []byte, v *string) (int, error) {
	s, n, err := netio.DecodeString(src)
	if err != nil {
		return 0, err
	}
	*v = s
	return n, nil
}

func appendReport(dst []byte, v *Report) []byte {
	dst = netio.AppendUint32(dst, uint32(v.Member))
	return netio.AppendString(dst, v.Label)
}

func decodeReport(src []byte, v *Report) (int, error) {
	m, n, err := netio.DecodeUint32(src)
	if err != nil {
		return 0, err
	}
	l, k, err := netio.DecodeString(src[n:])
	if err != nil {
		return 0, err
	}
	v.Member, v.Label = hydro.MemberID(m), l
	return n + k, nil
}

// HelloNamesPort describes the input names of flow Hello.
func HelloNamesPort() hydro.Port[string] {
	return hydro.Port[string]{Name: "names", Tag: hydro.PortTagBase + 0, Append: appendString, Decode: decodeString}
}

// HelloGreetedPort describes the output greeted of flow Hello.
func HelloGreetedPort() hydro.Port[string] {
	return hydro.Port[string]{Name: "greeted", Tag: hydro.PortTagBase + 3, Append: appendString, Decode: decodeString}
}

// HelloReportsPort describes the output reports of flow Hello.
func HelloReportsPort() hydro.Port[Report] {
	return hydro.Port[Report]{Name: "reports", Tag: hydro.PortTagBase + 4, Append: appendReport, Decode: decodeReport}
}

// Front runs location "front" of flow Hello.
type Front struct {
	names    hydro.Input[string]
	greeting string
	greeted  hydro.Output[string]
	reports  hydro.Output[Report]

	in     []string
	out    []string
	recv   []Report
	onSend func(hydro.Dest, uint16, []byte)
}

// NewFront returns the node of location "front".
func NewFront(names hydro.Input[string], greeting string, greeted hydro.Output[string], reports hydro.Output[Report]) *Front {
	return &Front{names: names, greeting: greeting, greeted: greeted, reports: reports}
}

// Tick runs one tick.
func (nd *Front) Tick() {
	nd.in = nd.names.TakeInto(nd.in[:0])
	for _, n := range nd.in {
		nd.out = append(nd.out, Greet(nd.greeting, n))
	}
	nd.greeted.PutAll(nd.out)
	nd.out = nd.out[:0]
	nd.reports.PutAll(nd.recv)
	nd.recv = nd.recv[:0]
}

// Pending reports whether a tick would have work.
func (nd *Front) Pending() bool { return nd.names.Len() > 0 || len(nd.recv) > 0 }

// Deliver decodes one frame from the network.
func (nd *Front) Deliver(tag uint16, payload []byte) error {
	if tag != reportTag {
		return fmt.Errorf("flow Hello, location front: no network operator has tag %d", tag)
	}
	var v Report
	n, err := decodeReport(payload, &v)
	if err != nil {
		return fmt.Errorf("flow Hello, location front: %w", err)
	}
	if n != len(payload) {
		return fmt.Errorf("flow Hello, location front: %d bytes after the item", len(payload)-n)
	}
	nd.recv = append(nd.recv, v)
	return nil
}

// OnSend sets the function that carries the node's frames.
func (nd *Front) OnSend(fn func(hydro.Dest, uint16, []byte)) { nd.onSend = fn }

// SetMember sets the member's number.
func (nd *Front) SetMember(hydro.MemberID) {}

// SetNow sets the node's clock.
func (nd *Front) SetNow(time.Time) {}

// NextTimer reports that the node has no timers.
func (nd *Front) NextTimer() (time.Time, bool) { return time.Time{}, false }

// Worker runs location "worker" of flow Hello.
type Worker struct {
	label  string
	member hydro.MemberID
	done   bool
	buf    []byte
	onSend func(hydro.Dest, uint16, []byte)
}

// NewWorker returns the node of location "worker".
func NewWorker(label string) *Worker { return &Worker{label: label} }

// Tick runs one tick: the first sends the front this member's report.
func (nd *Worker) Tick() {
	if nd.done {
		return
	}
	nd.done = true
	r := Report{Member: nd.member, Label: nd.label}
	nd.buf = appendReport(nd.buf[:0], &r)
	if nd.onSend != nil {
		nd.onSend(hydro.Dest{Location: "front"}, reportTag, nd.buf)
	}
}

// Pending reports whether a tick would have work.
func (nd *Worker) Pending() bool { return false }

// Deliver rejects every frame: no network operator delivers to workers.
func (nd *Worker) Deliver(tag uint16, _ []byte) error {
	return fmt.Errorf("flow Hello, location worker: no network operator has tag %d", tag)
}

// OnSend sets the function that carries the node's frames.
func (nd *Worker) OnSend(fn func(hydro.Dest, uint16, []byte)) { nd.onSend = fn }

// SetMember sets the member's number.
func (nd *Worker) SetMember(m hydro.MemberID) { nd.member = m }

// SetNow sets the node's clock.
func (nd *Worker) SetNow(time.Time) {}

// NextTimer reports that the node has no timers.
func (nd *Worker) NextTimer() (time.Time, bool) { return time.Time{}, false }
