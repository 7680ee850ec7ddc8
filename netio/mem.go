package netio

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// MemNetwork is an in-process network for tests and single-process
// deployments. Send places the frame in the receiver's inbox before it
// returns, so delivery is FIFO per sender-receiver pair and, given a
// deterministic sequence of calls, deterministic. Frames sent to an address
// with no open endpoint are dropped and counted in the sender's Stats, as a
// real network would lose them; once the endpoint is closed its address can
// be taken again, which models a restart.
//
// Frames are limited to DefaultMaxFrame, as on TCP by default. Inboxes are
// unbounded: a node that never drains grows without limit.
type MemNetwork struct {
	mu  sync.RWMutex
	eps map[Addr]*memEndpoint
}

// NewMemNetwork returns an empty in-memory network.
func NewMemNetwork() *MemNetwork {
	return &MemNetwork{eps: make(map[Addr]*memEndpoint)}
}

// Endpoint attaches a new endpoint at addr. It fails if addr is empty or
// taken by an endpoint that is still open.
func (n *MemNetwork) Endpoint(addr Addr) (Endpoint, error) {
	if addr == "" {
		return nil, fmt.Errorf("netio: memory endpoint: empty address")
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.eps[addr]; ok {
		return nil, fmt.Errorf("netio: memory endpoint %q: address in use", addr)
	}
	e := &memEndpoint{net: n, addr: addr}
	e.in.init(0)
	n.eps[addr] = e
	return e, nil
}

type memEndpoint struct {
	net    *MemNetwork
	addr   Addr
	in     inbox
	closed atomic.Bool
	stats  counters
}

func (e *memEndpoint) Addr() Addr             { return e.addr }
func (e *memEndpoint) Ready() <-chan struct{} { return e.in.ready }
func (e *memEndpoint) Stats() Stats           { return e.stats.snapshot() }

func (e *memEndpoint) Send(to Addr, tag uint16, payload []byte) error {
	if e.closed.Load() {
		return fmt.Errorf("netio: send to %s: %w", to, ErrClosed)
	}
	if err := checkFrameSize(len(payload), DefaultMaxFrame); err != nil {
		return fmt.Errorf("netio: send to %s: %w", to, err)
	}
	e.net.mu.RLock()
	dst := e.net.eps[to]
	e.net.mu.RUnlock()
	if dst == nil || !dst.in.push(e.addr, tag, payload) {
		e.stats.drops.Add(1)
		return nil
	}
	e.stats.framesSent.Add(1)
	e.stats.bytesSent.Add(uint64(len(payload)))
	dst.stats.framesReceived.Add(1)
	dst.stats.bytesReceived.Add(uint64(len(payload)))
	return nil
}

func (e *memEndpoint) Drain(fn func(from Addr, tag uint16, payload []byte)) int {
	return e.in.drain(fn)
}

func (e *memEndpoint) DrainN(limit int, fn func(from Addr, tag uint16, payload []byte)) int {
	return e.in.drainN(limit, fn)
}

func (e *memEndpoint) Close() error {
	if e.closed.Swap(true) {
		return nil
	}
	e.net.mu.Lock()
	if e.net.eps[e.addr] == e {
		delete(e.net.eps, e.addr)
	}
	e.net.mu.Unlock()
	e.in.close()
	return nil
}
