// Package shopping is the shopping-cart program of "Initial Steps Toward a
// Compiler for Distributed Programs" (Hellerstein et al., 2023), Figures 2–8,
// as Hydro for Go flows.
package shopping

// Class is a client's service class.
type Class uint8

const (
	// Basic clients.
	Basic Class = iota
	// Premium clients.
	Premium
)

func (c Class) String() string {
	if c == Premium {
		return "premium"
	}
	return "basic"
}

// LineItem is one request of a shopping session: add Qty of Item (a negative
// Qty removes), or, when Checkout is set, end the session.
type LineItem struct {
	Item     string
	Qty      int16
	Checkout bool
}

// Request is a line item sent by a client.
type Request struct {
	Client uint32 `hydro:"key"`
	LineItem
}

// ClientClass assigns a client its class; a client has exactly one.
type ClientClass struct {
	Client uint32 `hydro:"key,fd=Class"`
	Class  Class
}

// Tagged is a request joined with its client's class.
type Tagged struct {
	Client uint32 `hydro:"key,fd=Class"`
	Class  Class  `hydro:"key"`
	LineItem
}

// Cart is a client's session so far: its line items in request order.
type Cart struct {
	Client uint32 `hydro:"key,fd=Class"`
	Class  Class  `hydro:"key"`
	Items  []LineItem
}

// CheckedOut reports whether the session has ended.
func (c Cart) CheckedOut() bool {
	return len(c.Items) > 0 && c.Items[len(c.Items)-1].Checkout
}

func tag(r Request, c ClientClass) Tagged {
	return Tagged{Client: r.Client, Class: c.Class, LineItem: r.LineItem}
}

func newCart(t Tagged) Cart { return Cart{Client: t.Client, Class: t.Class} }

func addItem(c *Cart, t Tagged) { c.Items = append(c.Items, t.LineItem) }
