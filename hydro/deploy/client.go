package deploy

import (
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/netio"
)

const (
	// resubscribeEvery is how often a Client renews its subscriptions, well
	// within subscriptionLease so that a lost frame costs nothing.
	resubscribeEvery = time.Second
	// closeLinger bounds how long Close waits for queued frames to be
	// written.
	closeLinger = 2 * time.Second
)

// Client reaches one running node from outside the program: it pushes items
// into the node's inputs and receives the items of its outputs. It talks to
// the node over a netio TCP endpoint of its own, one frame per item, with
// the tags and codecs of the flow's ports (the <Flow><Param>Port functions
// that hydrogen generates). A Client is safe for concurrent use.
type Client struct {
	node netio.Addr
	ep   netio.Endpoint
	log  *slog.Logger

	mu     sync.Mutex
	buf    []byte
	sent   uint64 // frames handed to the endpoint
	subs   map[uint16][]func(from netio.Addr, payload []byte)
	closed bool

	done chan struct{}
	wg   sync.WaitGroup
}

// Dial returns a client of the node listening at node ("host:port"). It
// listens on the local address that routes to node, on a free port, so
// that the node can send back to it. Dial does not wait for the node: what
// is pushed before the node is reachable is queued and sent once it is.
func Dial(node string) (*Client, error) {
	if err := checkAddr(node); err != nil {
		return nil, fmt.Errorf("deploy: dial %s: %w", node, err)
	}
	local, err := localIP(node)
	if err != nil {
		return nil, fmt.Errorf("deploy: dial %s: %w", node, err)
	}
	ep, err := netio.ListenTCP(net.JoinHostPort(local, "0"))
	if err != nil {
		return nil, fmt.Errorf("deploy: dial %s: %w", node, err)
	}
	c := &Client{
		node: netio.Addr(node),
		ep:   ep,
		log:  slog.Default(),
		subs: map[uint16][]func(netio.Addr, []byte){},
		done: make(chan struct{}),
	}
	c.wg.Go(c.run)
	return c, nil
}

// localIP returns the local IP address the system would use to reach node.
func localIP(node string) (string, error) {
	conn, err := net.Dial("udp", node) // sends nothing
	if err != nil {
		return "", err
	}
	defer conn.Close()
	return conn.LocalAddr().(*net.UDPAddr).IP.String(), nil
}

// run receives the node's frames and renews the subscriptions.
func (c *Client) run() {
	t := time.NewTicker(resubscribeEvery)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-c.ep.Ready():
			c.ep.Drain(c.dispatch)
		case <-t.C:
			c.mu.Lock()
			for tag := range c.subs {
				if err := c.sendLocked(tag, nil); err != nil {
					c.log.Warn("deploy: cannot renew a subscription", "node", string(c.node), "tag", tag, "err", err)
				}
			}
			c.mu.Unlock()
		}
	}
}

func (c *Client) dispatch(from netio.Addr, tag uint16, payload []byte) {
	c.mu.Lock()
	handlers := c.subs[tag]
	c.mu.Unlock()
	for _, h := range handlers {
		h(from, payload)
	}
}

// sendLocked sends one frame to the node; c.mu is held.
func (c *Client) sendLocked(tag uint16, payload []byte) error {
	if c.closed {
		return netio.ErrClosed
	}
	if err := c.ep.Send(c.node, tag, payload); err != nil {
		return err
	}
	c.sent++
	return nil
}

// Push sends items to the input port p of the node, one frame each.
func Push[T any](c *Client, p hydro.Port[T], items ...T) error {
	if p.Append == nil {
		return fmt.Errorf("deploy: push to %s: the port has no codec", p.Name)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range items {
		c.buf = p.Append(c.buf[:0], &items[i])
		if err := c.sendLocked(p.Tag, c.buf); err != nil {
			return fmt.Errorf("deploy: push to %s at %s: %w", p.Name, c.node, err)
		}
	}
	return nil
}

// Subscribe asks the node for the items of its output port p and calls fn
// with each one received, in arrival order, from a goroutine of the client
// (one for all subscriptions: fn must not block for long, nor call Close).
// The subscription is renewed every second, so it survives lost frames and
// node restarts; a frame that does not decode is logged and dropped. Items
// emitted while no subscription is active are not received, and a
// subscription renewed across a lost reply may receive nothing for a while:
// like every network edge of a flow, an output is at-most-once.
func Subscribe[T any](c *Client, p hydro.Port[T], fn func(T)) error {
	if p.Decode == nil {
		return fmt.Errorf("deploy: subscribe to %s: the port has no codec", p.Name)
	}
	if fn == nil {
		return fmt.Errorf("deploy: subscribe to %s: nil function", p.Name)
	}
	h := func(from netio.Addr, payload []byte) {
		// fn may keep the item, which may alias its frame.
		buf := bytes.Clone(payload)
		var v T
		n, err := p.Decode(buf, &v)
		if err == nil && n != len(buf) {
			err = fmt.Errorf("%d bytes after the item", len(buf)-n)
		}
		if err != nil {
			c.log.Warn("deploy: dropped a frame that does not decode", "output", p.Name, "from", string(from), "err", err)
			return
		}
		fn(v)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.sendLocked(p.Tag, nil); err != nil {
		return fmt.Errorf("deploy: subscribe to %s at %s: %w", p.Name, c.node, err)
	}
	c.subs[p.Tag] = append(c.subs[p.Tag], h)
	return nil
}

// Close stops the client. It first waits, up to two seconds, for the frames
// already pushed to be written to the node.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	sent := c.sent
	c.mu.Unlock()
	close(c.done)
	c.wg.Wait()
	if sr, ok := c.ep.(netio.StatsReporter); ok {
		for deadline := time.Now().Add(closeLinger); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if s := sr.Stats(); s.FramesSent+s.Drops >= sent {
				break
			}
		}
	}
	if err := c.ep.Close(); err != nil {
		return fmt.Errorf("deploy: close client of %s: %w", c.node, err)
	}
	return nil
}
