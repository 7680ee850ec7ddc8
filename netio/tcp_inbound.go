package netio

// The inbound side of the TCP endpoint: accepting connections, their TLS
// handshake and hello, admission, reading frames under deadlines, and reply
// routes.

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"
)

// accept runs the listener loop, one reader goroutine per connection.
func (e *tcpEndpoint) accept() {
	defer e.wg.Done()
	var delay time.Duration
	for {
		c, err := e.ln.Accept()
		if err != nil {
			if e.isClosed() {
				return
			}
			// Out of file descriptors and the like: wait and retry, as
			// net/http does, rather than spin or give up.
			delay = min(max(2*delay, 5*time.Millisecond), maxAcceptRetryDelay)
			e.warn.Warn("netio: accept failed; retrying", "err", err, "delay", delay)
			select {
			case <-time.After(delay):
			case <-e.ctx.Done():
				return
			}
			continue
		}
		delay = 0
		if e.inbound.Load() >= int64(e.cfg.maxConns) {
			c.Close()
			e.stats.refused.Add(1)
			e.warn.Warn("netio: refused an inbound connection: at the connection cap", "remote", c.RemoteAddr().String(), "max", e.cfg.maxConns)
			continue
		}
		e.mu.Lock()
		if e.closed {
			e.mu.Unlock()
			c.Close()
			return
		}
		e.conns[c] = struct{}{}
		e.inbound.Add(1)
		e.wg.Add(1)
		e.mu.Unlock()
		go e.read(c)
	}
}

// reject closes an inbound connection that failed its handshake or its
// admission, counting and logging it.
func (e *tcpEndpoint) reject(remote string, why string, err error) {
	e.stats.rejected.Add(1)
	e.warn.Warn("netio: rejected an inbound connection: "+why, "remote", remote, "err", err)
}

// handshake does the server side of a connection's TLS handshake, if any,
// and reads its hello. It returns the connection to use from then on and a
// small buffered reader on it, which may hold the first frames.
func (e *tcpEndpoint) handshake(raw net.Conn) (net.Conn, *bufio.Reader, ConnInfo, error) {
	info := ConnInfo{Remote: raw.RemoteAddr()}
	c := raw
	c.SetDeadline(time.Now().Add(e.cfg.dialTimeout))
	if e.cfg.tlsServer != nil {
		tc := tls.Server(raw, e.cfg.tlsServer)
		if err := tc.HandshakeContext(e.ctx); err != nil {
			return nil, nil, info, fmt.Errorf("TLS handshake: %w", err)
		}
		st := tc.ConnectionState()
		info.TLS = &st
		c = tc
	}
	br := bufio.NewReaderSize(c, replyReadBufferSize)
	tag, hello, err := NewFrameReader(br, maxHello).Next()
	if err != nil {
		return nil, nil, info, err
	}
	if tag != handshakeTag || len(hello) < 1 || hello[0] != handshakeVersion {
		return nil, nil, info, errBadHello
	}
	claimed, n, err := DecodeString(hello[1:])
	if err != nil || len(claimed) > maxAdvertisedAddr {
		return nil, nil, info, errBadHello
	}
	token, m, err := DecodeString(hello[1+n:])
	if err != nil || len(token) > maxToken || 1+n+m != len(hello) {
		return nil, nil, info, errBadHello
	}
	info.Claimed, info.Token = Addr(claimed), token
	c.SetDeadline(time.Time{})
	return c, br, info, nil
}

var errBadHello = errors.New("bad hello")

// defaultAdmit trusts the hello; see WithAdmit.
func defaultAdmit(ci ConnInfo) (Admission, error) {
	if ci.Claimed == "" {
		return Admission{From: "client", Reply: true}, nil
	}
	return Admission{From: ci.Claimed}, nil
}

// read serves one inbound connection: handshake, admission, then frames
// into the inbox. A reply route, if admitted as one, writes on the same
// connection until the reading ends.
func (e *tcpEndpoint) read(raw net.Conn) {
	defer e.wg.Done()
	defer e.inbound.Add(-1)
	defer e.untrack(raw)
	remote := raw.RemoteAddr().String()

	c, br, info, err := e.handshake(raw)
	if err != nil {
		switch {
		case e.isClosed():
		case errors.Is(err, io.EOF):
			// Closed before sending a byte: a port probe or a peer that
			// gave up. Not worth a warning.
			e.log.Debug("netio: inbound connection closed before its hello", "remote", remote)
		default:
			e.reject(remote, "handshake failed", err)
		}
		return
	}
	admit := e.cfg.admit
	if admit == nil {
		admit = defaultAdmit
	}
	adm, err := admit(info)
	if err != nil {
		e.reject(remote, "not admitted", err)
		return
	}
	from := adm.From
	counts := e.counters(adm.From) // clients share their identity's
	if adm.Reply {
		from = Addr(string(adm.From) + "#" + strconv.FormatUint(e.replySeq.Add(1), 10))
		hungUp := make(chan struct{})
		defer close(hungUp)
		if !e.addReply(from, counts, raw, c, hungUp) {
			return
		}
		e.log.Debug("netio: client connected", "peer", string(from), "remote", remote)
	} else {
		e.log.Info("netio: peer connected", "peer", string(from), "remote", remote)
		// A peer's connection carries bulk traffic: read it through a
		// large buffer, starting with what the small one already holds.
		var src io.Reader = c
		if rest, _ := br.Peek(br.Buffered()); len(rest) > 0 {
			src = io.MultiReader(bytes.NewReader(bytes.Clone(rest)), c)
		}
		br = bufio.NewReaderSize(src, ioBufferSize)
	}
	e.stats.accepted.Add(1)

	fr := NewFrameReader(br, e.cfg.maxFrame)
	sh := &share{limit: e.cfg.peerInbox}
	var frameDeadline time.Time
	for {
		// Wait for a frame to begin under the idle deadline, then give it
		// the frame deadline. Frames already buffered keep the last frame
		// deadline while it has at least half of its time left.
		if br.Buffered() == 0 {
			c.SetReadDeadline(time.Now().Add(e.cfg.idleTimeout))
			if _, err := br.Peek(1); err != nil {
				e.inboundEnded(from, remote, err, "idle")
				return
			}
		}
		if now := time.Now(); frameDeadline.Sub(now) < e.cfg.frameTimeout/2 {
			frameDeadline = now.Add(e.cfg.frameTimeout)
			c.SetReadDeadline(frameDeadline)
		}
		tag, payload, err := fr.Next()
		if err != nil {
			var tooLarge *FrameTooLargeError
			if errors.As(err, &tooLarge) {
				e.stats.rejectedFrames.Add(1)
				e.warn.Warn("netio: closing inbound connection: frame exceeds limit",
					"peer", string(from), "remote", remote, "len", tooLarge.Len, "max", tooLarge.Max)
				return
			}
			e.inboundEnded(from, remote, err, "stalled mid-frame")
			return
		}
		if tag == KeepaliveTag && len(payload) == 0 {
			continue
		}
		if !e.in.pushShare(from, tag, payload, sh) {
			return
		}
		e.received(counts, len(payload))
	}
}

// inboundEnded logs why an admitted inbound connection ended.
func (e *tcpEndpoint) inboundEnded(from Addr, remote string, err error, timeoutWhat string) {
	switch {
	case e.isClosed():
	case errors.Is(err, os.ErrDeadlineExceeded):
		e.stats.timeouts.Add(1)
		e.warn.Warn("netio: closing inbound connection: "+timeoutWhat, "peer", string(from), "remote", remote)
	case err == io.EOF:
		if IsReplyAddr(from) {
			e.log.Debug("netio: client disconnected", "peer", string(from), "remote", remote)
		} else {
			e.log.Info("netio: peer disconnected", "peer", string(from), "remote", remote)
		}
	default:
		e.log.Info("netio: inbound connection lost", "peer", string(from), "remote", remote, "err", err)
	}
}

// addReply registers the reply route from on an inbound connection and
// starts its writer, which stops when hungUp is closed.
func (e *tcpEndpoint) addReply(from Addr, counts *peerCounters, raw, c net.Conn, hungUp <-chan struct{}) bool {
	p := &tcpPeer{e: e, addr: from, wake: make(chan struct{}, 1), maxFrames: e.cfg.replyFrames, maxBytes: e.cfg.replyBytes, counts: counts}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return false
	}
	e.replies[from] = p
	e.wg.Add(1)
	e.mu.Unlock()
	go func() {
		defer e.wg.Done()
		bw := bufio.NewWriterSize(c, replyReadBufferSize)
		p.serve(raw, c, bw, hungUp)
		e.mu.Lock()
		delete(e.replies, from)
		e.mu.Unlock()
		p.mu.Lock()
		if n := p.q.len(); n > 0 {
			e.dropped(p.counts, n)
			p.q.reset(nil)
		}
		p.mu.Unlock()
	}()
	return true
}
