package shopping

import (
	"time"

	"github.com/hydrogo/hydro/lattices"
)

// ClientID names a client; it is the key of a session.
type ClientID struct {
	Client uint32 `hydro:"key"`
}

// PrefixSession is a client's session as a bounded prefix (Figure 3): the
// requests so far, tagged with the session's length.
type PrefixSession struct {
	Client uint32                           `hydro:"key"`
	Items  lattices.BoundedPrefix[LineItem] `hydro:"lattice"`
}

// TaggedPrefix is a PrefixSession joined with its client's class.
type TaggedPrefix struct {
	Client uint32 `hydro:"key,fd=Class"`
	Class  Class
	Items  lattices.BoundedPrefix[LineItem] `hydro:"lattice"`
}

// Session is a client's session as a sealed set of indexed values (Figures
// 4–8): each request at its position, sealed with the session's length at
// checkout. Parts of a session merge in any order, any number of times.
type Session struct {
	Client uint32                  `hydro:"key"`
	Items  lattices.SSIV[LineItem] `hydro:"lattice"`
}

// TaggedSession is a Session joined with its client's class.
type TaggedSession struct {
	Client uint32 `hydro:"key,fd=Class"`
	Class  Class
	Items  lattices.SSIV[LineItem] `hydro:"lattice"`
}

// ResendPeriod is how long a client waits before resending what the server
// has not acknowledged.
const ResendPeriod = 50 * time.Millisecond

func tagPrefix(s PrefixSession, c ClientClass) TaggedPrefix {
	return TaggedPrefix{Client: s.Client, Class: c.Class, Items: s.Items}
}

func tagSession(s Session, c ClientClass) TaggedSession {
	return TaggedSession{Client: s.Client, Class: c.Class, Items: s.Items}
}

func prefixComplete(s TaggedPrefix) bool  { return s.Items.Complete() }
func taggedComplete(s TaggedSession) bool { return s.Items.Complete() }
func sessionComplete(s Session) bool      { return s.Items.Complete() }

func prefixID(s TaggedPrefix) ClientID  { return ClientID{s.Client} }
func taggedID(s TaggedSession) ClientID { return ClientID{s.Client} }
func sessionID(s Session) ClientID      { return ClientID{s.Client} }

func prefixCart(_ ClientID, s TaggedPrefix) Cart {
	return Cart{Client: s.Client, Class: s.Class, Items: s.Items.Items()}
}

func taggedCart(_ ClientID, s TaggedSession) Cart {
	items, _ := s.Items.Values()
	return Cart{Client: s.Client, Class: s.Class, Items: items}
}

func completed(_ ClientID, s Session) Session { return s }

func sessionCart(s Session, c ClientClass) Cart {
	items, _ := s.Items.Values()
	return Cart{Client: s.Client, Class: c.Class, Items: items}
}

func resent(s Session, _ time.Time) Session { return s }

func ack(id ClientID, _ Session) ClientID { return id }

// PrefixRequests turns request batches into the bounded-prefix stream of
// Figure 3: the i-th request of a session becomes the session's first i+1
// requests, with the session's length.
func (w Workload) PrefixRequests(batches [][]Request) [][]PrefixSession {
	length := map[uint32]int{}
	for _, s := range w.Sessions {
		if len(s) > 0 {
			length[s[0].Client] = len(s)
		}
	}
	sofar := map[uint32][]LineItem{}
	out := make([][]PrefixSession, len(batches))
	for i, b := range batches {
		for _, r := range b {
			sofar[r.Client] = append(sofar[r.Client], r.LineItem)
			p := lattices.NewBoundedPrefix(sofar[r.Client], length[r.Client])
			out[i] = append(out[i], PrefixSession{Client: r.Client, Items: p})
		}
	}
	return out
}

// SessionRequests turns request batches into the sealed-set stream of Figure
// 4: each request becomes its session's item at its position; the checkout
// also seals the session with its length.
func SessionRequests(batches [][]Request) [][]Session {
	pos := map[uint32]int{}
	out := make([][]Session, len(batches))
	for i, b := range batches {
		for _, r := range b {
			var s Session
			s.Client = r.Client
			s.Items.Add(pos[r.Client], r.LineItem)
			pos[r.Client]++
			if r.Checkout {
				s.Items.Seal(pos[r.Client])
			}
			out[i] = append(out[i], s)
		}
	}
	return out
}
