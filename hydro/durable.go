package hydro

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hydrogo/hydro/hydro/durable"
	"github.com/hydrogo/hydro/internal/ops"
)

// DurableNode is implemented by nodes with durable state: the interpreter,
// and the nodes hydrogen generates for a location with a Durable operator.
// A runtime opens the node's data directory, calls Recover before the first
// tick, checks Err after every tick, and closes the node when it stops.
type DurableNode interface {
	// Recover replays the node's durable state from the log in dir (the
	// latest snapshot, then the changes since) and makes the node log to
	// it. Call it once, before the first tick.
	Recover(dir durable.FS, opts durable.Options) error
	// Err returns the error that stopped the node: a commit of its log that
	// failed (a full disk, a failed sync). A stopped node's ticks do
	// nothing, and the messages and outputs of the failed tick never left.
	Err() error
	// Log returns the node's log, nil before Recover.
	Log() *durable.Log
	// Close closes the node's log.
	Close() error
}

// valueCodec encodes the records of one durable operator in the
// interpreter: items of the operator's output type, as JSON.
type valueCodec struct {
	encode func(any) ([]byte, error)
	decode func([]byte) (any, error)
}

func jsonCodec[T any]() valueCodec {
	return valueCodec{
		encode: func(x any) ([]byte, error) { return json.Marshal(x.(T)) },
		decode: func(b []byte) (any, error) {
			var v T
			err := json.Unmarshal(b, &v)
			return v, err
		},
	}
}

func (f *Flow) recordCodec(id int, c valueCodec) {
	if f.codecs == nil {
		f.codecs = map[int]valueCodec{}
	}
	f.codecs[id] = c
}

// Journal is the durable side of a node: its log, the error that stopped
// it, and the commit protocol both the interpreter and generated nodes
// follow. A record is the operator's node ID (uvarint) followed by one item
// of its output type in the node's encoding.
type Journal struct {
	log *durable.Log
	err error
	rec []byte
}

// Recover opens the log in dir and calls restore with every record, the
// operator's node ID and the item's encoding.
func (j *Journal) Recover(dir durable.FS, opts durable.Options, restore func(op int, item []byte) error) error {
	if j.log != nil {
		return errors.New("hydro: Recover called twice")
	}
	log, err := durable.Open(dir, opts, func(rec []byte) error {
		id, n := binary.Uvarint(rec)
		if n <= 0 || id > 1<<31 {
			return errors.New("record without an operator")
		}
		return restore(int(id), rec[n:])
	})
	if err != nil {
		return err
	}
	j.log = log
	return nil
}

// Active reports whether the journal logs: Recover succeeded. A node whose
// journal is not active keeps its durable state like Static state.
func (j *Journal) Active() bool { return j.log != nil }

// Record starts a record of operator op in the journal's scratch buffer;
// append the item to it and pass it to Append.
func (j *Journal) Record(op int) []byte {
	j.rec = binary.AppendUvarint(j.rec[:0], uint64(op))
	return j.rec
}

// Append adds a record to the tick's commit.
func (j *Journal) Append(rec []byte) {
	j.rec = rec
	j.log.Append(rec)
}

// Keep makes rec, a record started by Record and passed to a snapshot,
// the buffer the next Record reuses: a large record (a lattice fold's
// whole value) then grows its buffer once, not at every snapshot.
func (j *Journal) Keep(rec []byte) { j.rec = rec }

// Commit commits the tick's records with one sync and, when the log has
// outgrown the live state, replaces it with a snapshot that snapshot
// writes. It reports false, and the node stops (see Err), if either
// failed: the tick's messages and outputs must not leave.
func (j *Journal) Commit(snapshot func(add func(rec []byte))) bool {
	if j.err != nil {
		return false
	}
	err := j.log.Commit()
	if err == nil && j.log.WantSnapshot() {
		err = j.log.Snapshot(snapshot)
	}
	if err != nil {
		j.err = err
		return false
	}
	return true
}

// Fail stops the node with err.
func (j *Journal) Fail(err error) {
	if j.err == nil {
		j.err = err
	}
}

// Err returns the error that stopped the node, or nil.
func (j *Journal) Err() error { return j.err }

// Log returns the log, nil before Recover.
func (j *Journal) Log() *durable.Log { return j.log }

// Close closes the log.
func (j *Journal) Close() error {
	if j.log == nil {
		return nil
	}
	return j.log.Close()
}

// Outbox holds a durable node's frames during a tick, until the tick is
// committed. Generated nodes with durable state send through one.
type Outbox struct {
	send   func(to Dest, tag uint16, payload []byte)
	frames []heldFrame
	buf    []byte
}

type heldFrame struct {
	to         Dest
	tag        uint16
	start, end int
}

// SetSend sets the function that carries released frames.
func (o *Outbox) SetSend(fn func(to Dest, tag uint16, payload []byte)) { o.send = fn }

// Hold keeps a copy of a frame until Release or Drop.
func (o *Outbox) Hold(to Dest, tag uint16, payload []byte) {
	start := len(o.buf)
	o.buf = append(o.buf, payload...)
	o.frames = append(o.frames, heldFrame{to: to, tag: tag, start: start, end: len(o.buf)})
}

// Release sends the held frames, in order.
func (o *Outbox) Release() {
	if o.send != nil {
		for _, f := range o.frames {
			o.send(f.to, f.tag, o.buf[f.start:f.end])
		}
	}
	o.Drop()
}

// Drop forgets the held frames.
func (o *Outbox) Drop() {
	o.frames, o.buf = o.frames[:0], o.buf[:0]
}

// durableOp is a durable operator of the interpreter's location.
type durableOp struct {
	id    int
	state ops.DurableState
	codec valueCodec
}

// Recover implements DurableNode. An interpreter whose location has no
// durable operator keeps nothing and opens no log.
func (it *Interpreter) Recover(dir durable.FS, opts durable.Options) error {
	if len(it.durable) == 0 {
		return nil
	}
	return it.journal.Recover(dir, opts, func(id int, item []byte) error {
		for _, op := range it.durable {
			if op.id != id {
				continue
			}
			x, err := op.codec.decode(item)
			if err != nil {
				return fmt.Errorf("%s (node %d): %w", it.nodes[op.id].spec.API, op.id, err)
			}
			op.state.Restore(x)
			return nil
		}
		return fmt.Errorf("record for operator %d, which is not a durable operator of %s in flow %s", id, it.cfg.Location, it.g.Name)
	})
}

// Err implements DurableNode.
func (it *Interpreter) Err() error { return it.journal.Err() }

// Log implements DurableNode.
func (it *Interpreter) Log() *durable.Log { return it.journal.Log() }

// Close implements DurableNode.
func (it *Interpreter) Close() error { return it.journal.Close() }

// commit logs the tick's changes to durable state, syncs once, and then
// releases the tick's held messages and outputs. On failure the node stops
// and they are dropped.
func (it *Interpreter) commit() {
	if !it.journal.Active() {
		it.release()
		return
	}
	for _, op := range it.durable {
		op.state.Changes(func(x any) {
			b, err := op.codec.encode(x)
			if err != nil {
				it.journal.Fail(fmt.Errorf("hydro: %s (node %d): encode a durable record: %w", it.nodes[op.id].spec.API, op.id, err))
				return
			}
			it.journal.Append(append(it.journal.Record(op.id), b...))
		})
	}
	if !it.journal.Commit(it.snapshot) {
		clear(it.outbox)
		clear(it.held)
		it.outbox, it.held = it.outbox[:0], it.held[:0]
		return
	}
	it.release()
}

// snapshot writes every durable operator's live state.
func (it *Interpreter) snapshot(add func([]byte)) {
	for _, op := range it.durable {
		op.state.State(func(x any) {
			// Encoding succeeded when the item was logged.
			b, _ := op.codec.encode(x)
			add(append(it.journal.Record(op.id), b...))
		})
	}
}

// release delivers the messages and outputs held during the tick.
func (it *Interpreter) release() {
	for _, m := range it.outbox {
		it.deliverSend(m)
	}
	for _, h := range it.held {
		h.sink.Push(&it.env, 0, h.item, nil)
	}
	clear(it.outbox)
	it.outbox = it.outbox[:0]
	clear(it.held)
	it.held = it.held[:0]
}

// heldOutput is an item that reached a sink in a tick of a durable node,
// delivered once the tick is committed.
type heldOutput struct {
	sink ops.Interp
	item any
}

// holdSink holds a durable node's sink items until the tick commits.
type holdSink struct {
	it    *Interpreter
	inner ops.Interp
}

func (h holdSink) Push(_ *ops.Env, _ int, x any, _ ops.Emit) {
	h.it.held = append(h.it.held, heldOutput{sink: h.inner, item: x})
}
func (h holdSink) Flush(env *ops.Env, emit ops.Emit) { h.inner.Flush(env, emit) }
func (h holdSink) EndTick()                          { h.inner.EndTick() }
