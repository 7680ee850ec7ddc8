package deploy

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/netio"
	"github.com/hydrogo/hydro/netio/pki"
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
// into the node's inputs and receives the items of its outputs. It opens one
// connection to the node, over mutual TLS with the deployment's
// certificates unless told it is insecure, and sends one frame per item with
// the tags and codecs of the flow's ports (the <Flow><Param>Port functions
// that hydrogen generates); the node sends the items of the outputs it
// subscribed to back on the same connection. A Client is safe for
// concurrent use.
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

// ClientOption configures Dial.
type ClientOption func(*clientConfig)

type clientConfig struct {
	certs    string
	name     string
	insecure bool
	set      bool // an option chose the credentials
}

// WithCertDir makes the client authenticate with the deployment's
// certificates in dir (as written by hydrogen certs or hydrogen run): it
// checks the node's certificate against dir/ca.crt and presents
// dir/client.<name>.crt (DefaultClientName unless WithClientName says
// otherwise) or, if that file does not exist, the token in dir/client.token.
func WithCertDir(dir string) ClientOption {
	return func(c *clientConfig) { c.certs, c.set = dir, true }
}

// WithClientName chooses the client certificate WithCertDir presents.
func WithClientName(name string) ClientOption { return func(c *clientConfig) { c.name = name } }

// WithInsecurePlaintext makes the client talk to a node started with
// -insecure-plaintext: no TLS, no authentication.
func WithInsecurePlaintext() ClientOption {
	return func(c *clientConfig) { c.insecure, c.set = true, true }
}

// DefaultClientName is the client whose certificate hydrogen certs and
// hydrogen run make.
const DefaultClientName = "app"

// Dial returns a client of the node listening at node ("host:port"). Its
// credentials come from the options or, without any, from the environment a
// node would read: HYDRO_CERTS (the certificate directory) or
// HYDRO_INSECURE_PLAINTEXT=true. Dial does not wait for the node: what is
// pushed before the node is reachable is queued and sent once it is.
func Dial(node string, opts ...ClientOption) (*Client, error) {
	if err := checkAddr(node); err != nil {
		return nil, fmt.Errorf("deploy: dial %s: %w", node, err)
	}
	cfg := clientConfig{name: DefaultClientName}
	for _, o := range opts {
		o(&cfg)
	}
	if !cfg.set {
		cfg.certs = os.Getenv(envName("certs"))
		cfg.insecure, _ = strconv.ParseBool(os.Getenv(envName(insecureFlag)))
	}
	tcpOpts, err := cfg.tcpOptions()
	if err != nil {
		return nil, fmt.Errorf("deploy: dial %s: %w", node, err)
	}
	ep, err := netio.DialOnlyTCP(tcpOpts...)
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

// tcpOptions returns the endpoint options for the client's credentials.
func (cfg *clientConfig) tcpOptions() ([]netio.TCPOption, error) {
	switch {
	case cfg.insecure && cfg.certs != "":
		return nil, errors.New("both a certificate directory and insecure plaintext given")
	case cfg.insecure:
		return nil, nil
	case cfg.certs == "":
		return nil, errors.New("no credentials: use WithCertDir (or set HYDRO_CERTS), or WithInsecurePlaintext for a node run with -insecure-plaintext")
	}
	ca, err := pki.LoadCA(cfg.certs)
	if err != nil {
		return nil, err
	}
	var opts []netio.TCPOption
	var cert *tls.Certificate
	id := pki.ClientID(cfg.name)
	if _, err := os.Stat(filepath.Join(cfg.certs, id.FileBase()+".crt")); err == nil {
		c, err := pki.LoadCert(cfg.certs, id)
		if err != nil {
			return nil, err
		}
		cert = &c
	} else {
		token, err := pki.LoadToken(cfg.certs)
		if err != nil {
			return nil, err
		}
		if token == "" {
			return nil, fmt.Errorf("%s has neither %s.crt nor %s", cfg.certs, id.FileBase(), pki.TokenFile)
		}
		opts = append(opts, netio.WithToken(token))
	}
	tlsCfg := pki.ClientConfig(ca.Pool(), cert, func(got pki.Identity) error {
		if got.Kind != pki.Node {
			return fmt.Errorf("the certificate names %s, not a node", got)
		}
		return nil
	})
	return append(opts, netio.WithTLS(nil, func(netio.Addr) (*tls.Config, error) { return tlsCfg, nil })), nil
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
