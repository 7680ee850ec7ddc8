package deploy

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/hydrogo/hydro/netio"
)

// limits are a node's resource bounds, from its flags and environment.
type limits struct {
	idleTimeout     time.Duration
	frameTimeout    time.Duration
	writeTimeout    time.Duration
	maxConns        int
	inboxBytes      int
	peerInboxBytes  int
	maxSubscribers  int
	subscriberQueue int
	maxQueuedInput  int
	maxTickItems    int
}

// Defaults of the limits that are the runtime's own; the connection limits
// default to netio's.
const (
	DefaultMaxSubscribers  = 64    // clients subscribed to one output at once
	DefaultSubscriberQueue = 4096  // frames queued for one client
	DefaultMaxQueuedInput  = 65536 // items waiting in one input
	DefaultMaxTickItems    = 16384 // frames decoded into the node before it ticks
)

func defaultLimits() limits {
	return limits{
		idleTimeout:     netio.DefaultIdleTimeout,
		frameTimeout:    netio.DefaultFrameTimeout,
		writeTimeout:    netio.DefaultWriteTimeout,
		maxConns:        netio.DefaultMaxConns,
		inboxBytes:      netio.DefaultInboxBytes,
		peerInboxBytes:  netio.DefaultPeerInbox,
		maxSubscribers:  DefaultMaxSubscribers,
		subscriberQueue: DefaultSubscriberQueue,
		maxQueuedInput:  DefaultMaxQueuedInput,
		maxTickItems:    DefaultMaxTickItems,
	}
}

// parseLimits reads the limit flags through source, which returns a flag's
// value and where it came from.
func parseLimits(source func(name string) (value, from string)) (limits, error) {
	l := defaultLimits()
	err := errors.Join(
		parseEach(source, "a positive duration such as 30s", time.ParseDuration, map[string]*time.Duration{
			"idle-timeout":  &l.idleTimeout,
			"frame-timeout": &l.frameTimeout,
			"write-timeout": &l.writeTimeout,
		}),
		parseEach(source, "a positive integer", strconv.Atoi, map[string]*int{
			"max-conns":        &l.maxConns,
			"inbox-bytes":      &l.inboxBytes,
			"peer-inbox-bytes": &l.peerInboxBytes,
			"max-subscribers":  &l.maxSubscribers,
			"subscriber-queue": &l.subscriberQueue,
			"max-queued-input": &l.maxQueuedInput,
			"max-tick-items":   &l.maxTickItems,
		}))
	return l, err
}

// parseEach sets every field of fields whose flag is given to its value,
// which must parse and be positive.
func parseEach[T int | time.Duration](source func(string) (string, string), want string, parse func(string) (T, error), fields map[string]*T) error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		v, from := source(name)
		if v == "" {
			continue
		}
		x, err := parse(v)
		if err != nil || x <= 0 {
			errs = append(errs, usagef("%s %q: want %s", from, v, want))
			continue
		}
		*fields[name] = x
	}
	return errors.Join(errs...)
}

// tcpOptions returns the netio options that enforce the limits.
func (l limits) tcpOptions() []netio.TCPOption {
	return []netio.TCPOption{
		netio.WithTimeouts(l.idleTimeout, l.frameTimeout, l.writeTimeout),
		netio.WithMaxConns(l.maxConns),
		netio.WithInboxLimit(l.inboxBytes),
		netio.WithPeerInboxLimit(l.peerInboxBytes),
		netio.WithReplyQueueLimit(l.subscriberQueue, netio.DefaultReplyBytes),
	}
}
