package shopping

import (
	"errors"
	"fmt"
)

// Bounds on what a session from outside the program may hold. They are far
// above anything a shopper does and keep one item from costing a node more
// than a few hundred kilobytes.
const (
	// MaxSessionLen bounds the requests of one session, and so its seal.
	MaxSessionLen = 4096
	// MaxItemName bounds the length of an item's name, in bytes.
	MaxItemName = 256
)

// Validate rejects a line item that names no item (unless it is the
// checkout), names one absurdly long, or adds or removes nothing.
func (l LineItem) Validate() error {
	switch {
	case l.Checkout:
		if l.Item != "" || l.Qty != 0 {
			return errors.New("a checkout carries no item")
		}
	case l.Item == "":
		return errors.New("no item")
	case len(l.Item) > MaxItemName:
		return fmt.Errorf("item name of %d bytes: at most %d", len(l.Item), MaxItemName)
	case l.Qty == 0:
		return fmt.Errorf("item %q with quantity 0", l.Item)
	}
	return nil
}

// Validate rejects a session from outside that is empty (null, {}, no
// request and no seal, or sealed at length 0), conflicting, or absurd: a
// seal or a position at or beyond MaxSessionLen, a request that is not a
// valid line item, or a checkout anywhere but last.
func (s Session) Validate() error {
	switch {
	case s.Items.Conflicted():
		return fmt.Errorf("client %d: conflicting session", s.Client)
	case s.Items.IsBot():
		return fmt.Errorf("client %d: empty session", s.Client)
	}
	n, sealed := s.Items.Len()
	switch {
	case sealed && n == 0:
		return fmt.Errorf("client %d: empty session sealed at length 0", s.Client)
	case sealed && n > MaxSessionLen:
		return fmt.Errorf("client %d: session sealed at length %d: at most %d", s.Client, n, MaxSessionLen)
	}
	for pos, it := range s.Items.All() {
		if pos < 0 || pos >= MaxSessionLen {
			return fmt.Errorf("client %d: request at position %d: positions go from 0 to %d", s.Client, pos, MaxSessionLen-1)
		}
		if err := it.Validate(); err != nil {
			return fmt.Errorf("client %d: request %d: %w", s.Client, pos, err)
		}
		if it.Checkout != (sealed && pos == n-1) {
			return fmt.Errorf("client %d: request %d: the checkout, and only it, is the last request of a sealed session", s.Client, pos)
		}
	}
	return nil
}
