package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/netio"
)

// subscriptionLease is how long an output keeps sending to a subscriber
// after its last subscription frame. Client renews every resubscribeEvery.
const subscriptionLease = 5 * time.Second

// Param returns the flow parameter name, decoded from the JSON value of
// -param.NAME or, if that flag is not given, of the environment variable
// HYDRO_PARAM_NAME (NAME in upper case). A value "@PATH" is read from the
// file PATH. A parameter given neither way is T's zero value. A
// time.Duration may also be given as a JSON string such as "250ms".
// Decoding is strict: unknown object fields and trailing data are errors.
func Param[T any](env *Env, name string) (T, error) {
	var v T
	env.asked.params = appendNew(env.asked.params, name)
	raw, from, ok := lookup(env.opts.params, name, envName("param."+name), env.getenv)
	if !ok {
		return v, nil
	}
	data := []byte(raw)
	if path, isFile := strings.CutPrefix(raw, "@"); isFile {
		b, err := os.ReadFile(path)
		if err != nil {
			return v, usagef("parameter %s (%s): %w", name, from, err)
		}
		data, from = b, path
	}
	if err := decodeJSON(data, &v); err != nil {
		return v, usagef("parameter %s (%s): %w", name, from, err)
	}
	return v, nil
}

// decodeJSON decodes exactly one JSON value from data into v.
func decodeJSON(data []byte, v any) error {
	if d, ok := v.(*time.Duration); ok {
		var s string
		if json.Unmarshal(data, &s) == nil {
			x, err := time.ParseDuration(s)
			if err != nil {
				return err
			}
			*d = x
			return nil
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if err == io.EOF {
			return errors.New("no JSON value")
		}
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("invalid JSON for %s: %w", reflect.TypeOf(v).Elem(), err)
		}
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

// appendNew appends s to list unless list has it.
func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// checkPort validates a port description for Input and Output.
func checkPort(kind, name string, tag uint16, codec bool) error {
	switch {
	case name == "":
		return fmt.Errorf("%s with tag %#x has no name", kind, tag)
	case tag < hydro.PortTagBase:
		return fmt.Errorf("%s %s: tag %#x is below hydro.PortTagBase", kind, name, tag)
	case !codec:
		return fmt.Errorf("%s %s: the port has no codec", kind, name)
	}
	return nil
}

// register records p under tag, or reports why it cannot. It returns the
// port already registered under the tag, if any.
func (env *Env) register(kind string, p port, name string, tag uint16, codec bool) (prev port, ok bool) {
	if err := checkPort(kind, name, tag, codec); err != nil {
		env.errs = append(env.errs, err)
		return nil, false
	}
	if prev := env.ports[tag]; prev != nil {
		return prev, false
	}
	env.ports[tag] = p
	return nil, true
}

// Input returns the input port p of the node, fed by two sources: frames
// tagged p.Tag that clients send to the node (see Client; a frame that does
// not decode is logged with its sender and dropped) and, at start, the JSON
// lines of the file named by -in.NAME.file or HYDRO_IN_NAME_FILE ("-" reads
// standard input as the node runs). Asking twice for the same port returns
// the same Input.
func Input[T any](env *Env, p hydro.Port[T]) hydro.Input[T] {
	in := &input[T]{env: env, port: p, in: hydro.NewInputReady[T](p.Name, env.inputReady())}
	prev, ok := env.register("input", in, p.Name, p.Tag, p.Decode != nil)
	if !ok {
		if same, isInput := prev.(*input[T]); isInput && same.port.Name == p.Name {
			return same.in
		}
		if prev != nil {
			env.errs = append(env.errs, fmt.Errorf("input %s: tag %#x is already the tag of %s", p.Name, p.Tag, prev.name()))
		}
		return in.in
	}
	env.asked.inputs = appendNew(env.asked.inputs, p.Name)
	env.inputs = append(env.inputs, in)
	in.path, in.from, _ = lookup(env.opts.inputs, p.Name, envName("in."+p.Name+".file"), env.getenv)
	return in.in
}

type input[T any] struct {
	env        *Env
	port       hydro.Port[T]
	in         hydro.Input[T]
	path, from string
}

func (i *input[T]) name() string              { return "input " + i.port.Name }
func (i *input[T]) depth() (string, int)      { return i.port.Name, i.in.Len() }
func (i *input[T]) file() (path, from string) { return i.path, i.from }

func (i *input[T]) frame(from netio.Addr, payload []byte) {
	env := i.env
	if i.in.Len() >= env.opts.limits.maxQueuedInput {
		env.counts.inputDropped.Add(1)
		env.warn.Warn("dropped an item: the input's queue is at its budget", "input", i.port.Name, "from", string(from), "max", env.opts.limits.maxQueuedInput)
		return
	}
	// A decoded item may alias its frame, which is reused after the drain.
	buf := bytes.Clone(payload)
	var v T
	n, err := i.port.Decode(buf, &v)
	if err == nil && n != len(buf) {
		err = fmt.Errorf("%d bytes after the item", len(buf)-n)
	}
	if err != nil {
		env.counts.invalidItems.Add(1)
		env.warn.Warn("dropped a frame that does not decode", "input", i.port.Name, "from", string(from), "err", err)
		return
	}
	if err := validate(&v); err != nil {
		env.counts.invalidItems.Add(1)
		env.warn.Warn("rejected an invalid item", "input", i.port.Name, "from", string(from), "err", err)
		return
	}
	i.in.Push(v)
}

func (i *input[T]) pushLine(ctx context.Context, line []byte, wait bool) error {
	var v T
	if err := decodeJSON(line, &v); err != nil {
		return err
	}
	if err := validate(&v); err != nil {
		return fmt.Errorf("invalid item: %w", err)
	}
	for wait && i.in.Len() >= i.env.opts.limits.maxQueuedInput {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
	i.in.Push(v)
	return nil
}

// Validator is implemented by element types that check their own values.
// The runtime calls Validate on every item that arrives from outside the
// program (input files, standard input, clients' frames) and drops the
// items it rejects, counting them and logging the reason (rate-limited).
type Validator interface {
	Validate() error
}

// validate calls v's Validate method, declared on T or *T, if it has one.
func validate[T any](v *T) error {
	if x, ok := any(v).(Validator); ok {
		return x.Validate()
	}
	if x, ok := any(*v).(Validator); ok {
		return x.Validate()
	}
	return nil
}

// Output returns the output port p of the node. Every item the node emits
// is printed to standard output as one line, the port's name, a space and
// the item in JSON, unless -out.NAME.quiet or HYDRO_OUT_NAME_QUIET is set;
// and it is sent, encoded with p.Append in a frame tagged p.Tag, to every
// client subscribed to the port. A client subscribes by sending the node an
// empty frame tagged p.Tag and stays subscribed for five seconds after its
// last such frame (see Client). Asking twice for the same port returns the
// same Output.
func Output[T any](env *Env, p hydro.Port[T]) hydro.Output[T] {
	o := &output[T]{env: env, port: p, subs: map[netio.Addr]time.Time{}}
	o.out = hydro.NewOutputFunc(p.Name, o.emit)
	prev, ok := env.register("output", o, p.Name, p.Tag, p.Append != nil)
	if !ok {
		if same, isOutput := prev.(*output[T]); isOutput && same.port.Name == p.Name {
			return same.out
		}
		if prev != nil {
			env.errs = append(env.errs, fmt.Errorf("output %s: tag %#x is already the tag of %s", p.Name, p.Tag, prev.name()))
		}
		return o.out
	}
	env.asked.outputs = appendNew(env.asked.outputs, p.Name)
	if v, from, set := lookup(env.opts.quiet, p.Name, envName("out."+p.Name+".quiet"), env.getenv); set {
		q, err := strconv.ParseBool(v)
		if err != nil {
			env.errs = append(env.errs, usagef("output %s: %s=%s: want true or false", p.Name, from, v))
		}
		o.quiet = q
	}
	o.enc = json.NewEncoder(&o.line)
	o.enc.SetEscapeHTML(false)
	return o.out
}

type output[T any] struct {
	env   *Env
	port  hydro.Port[T]
	out   hydro.Output[T]
	quiet bool
	subs  map[netio.Addr]time.Time // subscriber → end of its lease
	list  []netio.Addr             // the keys of subs, which emit sends to
	first time.Time                // no lease in subs ends before
	nsubs atomic.Int64             // len(subs), for the metrics
	buf   []byte                   // encoded item
	json  []byte                   // the item's JSON line
	line  bytes.Buffer             // encoding/json's JSON of the item
	enc   *json.Encoder
}

func (o *output[T]) name() string { return "output " + o.port.Name }

func (o *output[T]) subscribers() (string, int) { return o.port.Name, int(o.nsubs.Load()) }

// frame handles a subscription: the items go back on the connection the
// client opened, never to an address the frame names.
func (o *output[T]) frame(from netio.Addr, payload []byte) {
	env := o.env
	switch {
	case len(payload) > 0:
		env.counts.badFrames.Add(1)
		env.warn.Warn("dropped a non-empty frame sent to an output; subscribe with an empty frame", "output", o.port.Name, "from", string(from))
		return
	case !isClient(from):
		env.counts.badFrames.Add(1)
		env.warn.Warn("dropped a subscription from a peer node; only clients subscribe", "output", o.port.Name, "from", string(from))
		return
	}
	now := time.Now()
	if _, ok := o.subs[from]; !ok {
		if len(o.subs) >= env.opts.limits.maxSubscribers {
			o.expire(now)
		}
		if len(o.subs) >= env.opts.limits.maxSubscribers {
			env.counts.subsRefused.Add(1)
			env.warn.Warn("refused a subscription: the output has its maximum of subscribers", "output", o.port.Name, "from", string(from), "max", env.opts.limits.maxSubscribers)
			return
		}
		env.Logger.Debug("subscribed", "output", o.port.Name, "client", string(from))
		o.list = append(o.list, from)
	}
	until := now.Add(subscriptionLease)
	if len(o.subs) == 0 || until.Before(o.first) {
		o.first = until
	}
	o.subs[from] = until
	o.nsubs.Store(int64(len(o.subs)))
}

// expire ends the subscriptions whose lease ran out.
func (o *output[T]) expire(now time.Time) {
	o.first = time.Time{}
	for a, until := range o.subs {
		switch {
		case now.After(until):
			delete(o.subs, a)
			o.env.Logger.Debug("subscription expired", "output", o.port.Name, "client", string(a))
		case o.first.IsZero() || until.Before(o.first):
			o.first = until
		}
	}
	o.relist()
}

// relist makes list the subscribers in subs.
func (o *output[T]) relist() {
	o.list = slices.AppendSeq(o.list[:0], maps.Keys(o.subs))
	o.nsubs.Store(int64(len(o.subs)))
}

// print writes *v to standard output as a line: the port's name, a space
// and the item in JSON, by the port's generated AppendJSON or else by
// encoding/json.
func (o *output[T]) print(v *T) {
	var err error
	if o.port.AppendJSON != nil {
		o.json, err = o.port.AppendJSON(o.json[:0], v)
		o.json = append(o.json, '\n')
	} else {
		o.line.Reset()
		err = o.enc.Encode(v)
		o.json = append(o.json[:0], o.line.Bytes()...)
	}
	if err != nil {
		o.env.warn.Log(slog.LevelError, "cannot print an output item as JSON", "output", o.port.Name, "err", err)
		return
	}
	w := o.env.stdout
	w.WriteString(o.port.Name)
	w.WriteByte(' ')
	w.Write(o.json)
}

// emit handles one item of the node, on the node's goroutine.
func (o *output[T]) emit(v T) {
	if !o.quiet {
		o.print(&v)
	}
	if len(o.list) == 0 {
		return
	}
	// Leases are checked against the start of the tick, which is at most
	// a tick old, and only once one may have run out.
	if now := o.env.now; now.After(o.first) {
		o.expire(now)
	}
	o.buf = o.port.Append(o.buf[:0], &v)
	closed := false
	for _, a := range o.list {
		if err := o.env.sendTo(a, o.port.Tag, o.buf); err != nil {
			// The client's connection closed: so did its subscription.
			o.env.counts.subsDropped.Add(1)
			delete(o.subs, a)
			closed = true
		}
	}
	if closed {
		o.relist()
	}
}
