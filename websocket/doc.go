// Package websocket is WebSocket (RFC 6455) for the async runtime, with
// permessage-deflate (RFC 7692): a server's upgrade of an HTTP/1.1
// request (package http1, or a net/http handler through http1/nethttp),
// and a client that dials over http1's Client. Each connection is
// futures on the event loop, without a goroutine of its own.
//
// A server upgrades in its handler and serves the connection in the
// handler's future, which may outlive the request (Upgrader.Handler does
// the same for a handler that serves only WebSockets):
//
//	u := &websocket.Upgrader{}
//	handler := http1.HandlerFunc(func(w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
//		return async.Do(func(co *async.Co) {
//			c, err := async.Get(co, u.Upgrade(w, r))
//			if err != nil {
//				return // answered with a 4xx that says why
//			}
//			defer c.CloseNow()
//			for {
//				m, err := async.Get(co, c.ReadMessage())
//				if err != nil {
//					return // the peer closed, or broke the protocol
//				}
//				if err := async.Await(co, c.WriteMessage(m.Type, m.Data)); err != nil {
//					return
//				}
//			}
//		})
//	})
//
// A client dials:
//
//	c, err := async.Get(co, websocket.Dial("ws://127.0.0.1:8080/chat"))
//
// # How a message flows
//
// A read borrows a buffer from its Upgrader's (or Dialer's) pool when
// bytes arrive, parses frames out of it, and unmasks and checks each
// payload as it goes: UTF-8 of text (across fragments, failing at the
// first bad byte), the reserved bits, opcodes, lengths and limits. A
// large payload is read straight into the message, past the buffer. When
// a read must wait with nothing buffered, the buffer goes back, so an
// idle connection holds none: it costs its Conn, its socket and the
// task that reads it.
//
// The read side answers control frames: a ping with a pong (for the
// latest ping only, so a flood of pings costs nothing), a close frame
// with a close frame, then the socket closes and the read fails with the
// peer's *CloseError. A write in progress sends the control frames owed
// before its next frame, so they never wait behind a long message and
// never land inside a frame. A connection must therefore always have a
// read going; a task that only writes should keep a reader task.
//
// A write builds its frame in a borrowed buffer and is ready once the
// socket took it. A peer that reads slowly holds the writer up: nothing
// queues without bound on either side. A message too large to hold
// whole is streamed with NextWriter and NextReader.
//
// # Errors and limits
//
// Every violation of the protocol closes the connection with the code
// RFC 6455 asks for, sent in a close frame, and the read fails with a
// *CloseError that says what was wrong (Remote false): 1002 for a
// protocol error (an unmasked client frame, a reserved bit or opcode, a
// fragmented or oversized control frame, a continuation out of place, a
// non-minimal length, a bad close code), 1007 for text that is not UTF-8
// and for a corrupt compressed message, 1009 for a frame over
// MaxFrameSize or a message over MaxMessageSize (counting a compressed
// message's inflated size, which stops inflating at the limit). Nothing
// the peer sends can panic the reader or grow its memory past the
// limits.
//
// # Compression
//
// permessage-deflate is off by default. With Options.Compression on both
// ends, messages written whole are compressed, and compressed messages
// are read. The price is memory: each connection that agreed to it
// holds a compress/flate writer and reader from its first compressed
// message on, as context takeover requires; see deflater and inflater
// for the measured figures, about a megabyte a connection, against a few
// hundred bytes for a connection without it.
//
// # Memory
//
// A Conn is 448 bytes; its buffers are borrowed only while bytes are
// buffered or a write is in flight. A server that upgrades with
// Upgrader.Handler and serves each connection with a state-machine
// future holds about 975 bytes of heap per idle connection, its socket,
// task and http1 connection included (TestIdleConnectionMemory). A
// coroutine (async.Do) adds its goroutine's stack, a few kilobytes.
//
// # Cancellation
//
// What a cancelled operation (a lost Select, a timer.Timeout, an aborted
// task) gives up, and what it keeps:
//
//   - ReadMessage, NextReader and a MessageReader's Read give up nothing:
//     what they read of a message stays, and the next read goes on.
//   - WriteMessage, Ping's write, a MessageWriter's Write and Close give
//     up their frame if no byte of it was out; a frame half written
//     cannot be taken back, so the connection closes.
//   - Ping, cancelled while it waits for its pong, stops waiting.
//   - Close, cancelled while it waits for the peer's close frame, stops
//     waiting; its own close frame, if sent, stays sent.
//   - Upgrade and Dial give up the connection they were making.
//
// # Goroutines
//
// A net/http handler run by http1/nethttp upgrades with UpgradeHTTP and
// uses the connection's Blocking methods from its goroutine; the
// executor that serves the adapter runs the connection's I/O.
package websocket
