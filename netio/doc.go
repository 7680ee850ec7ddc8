// Package netio is the runtime networking layer of Hydro for Go.
//
// Generated nodes are single-threaded and run in ticks: at the start of a
// tick a node takes every message that has arrived, runs its dataflow to
// completion and emits outgoing messages. netio provides exactly that shape:
//
//   - Framing: a frame is a big-endian uint32 length N followed by N bytes,
//     a big-endian uint16 type tag and the payload. [AppendFrame] writes one,
//     [FrameReader] reads a stream of them with a bounded, reused buffer.
//   - Codec helpers: the append and decode primitives that generated binary
//     codecs ([Codec]) are built from. Decoders never panic and never
//     allocate more than the input they were given.
//   - Transports: an [Endpoint] is a node's attachment to a network. Send
//     queues a frame without blocking, Ready signals that frames are waiting
//     and Drain hands every waiting frame to the node in one call, which maps
//     one-to-one onto a tick. [ListenTCP] is the production transport,
//     [MemNetwork] an in-process one for tests, and [Chaos] wraps any
//     endpoints to drop, duplicate, reorder, delay and partition traffic.
//
// Delivery is at-most-once: the dataflow model assumes an unreliable
// network, so no transport retransmits a frame. See [Endpoint] for the exact
// guarantees.
package netio
