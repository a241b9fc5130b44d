package websocket

import (
	"net"
	"sync"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
)

// MessageType is the kind of a data message.
type MessageType uint8

// The two kinds of data message.
const (
	Text   MessageType = MessageType(opText)   // UTF-8 text
	Binary MessageType = MessageType(opBinary) // bytes
)

// String names the type: "text" or "binary".
func (t MessageType) String() string { return opcode(t).String() }

// stream is what a connection runs over: a tcp.Conn, or in tests any
// pair of aio streams.
type stream interface {
	Read(buf []byte) async.Future[async.Result[int]]
	Write(buf []byte) async.Future[async.Result[int]]
	Close() error
}

// Conn is a WebSocket connection (RFC 6455), made by Upgrader.Upgrade on
// a server or Dial on a client.
//
// One read (ReadMessage, or a MessageReader's Read) and one write
// (WriteMessage, a MessageWriter's, Ping or Close) may be in flight at
// once, from two tasks, as on a tcp.Conn; each must be awaited or
// cancelled before the next of its kind.
//
// The read side answers the peer's control frames: a ping with a pong,
// a close frame with a close frame. It does so while a read is in
// flight, and so do keep-alive pings (Options.PingInterval): a
// connection must always have a read going, as a net.Conn that is never
// read never sees its peer leave.
type Conn struct {
	s      stream
	r      *reactor.Reactor // the reactor the socket reports to; for Blocking calls and timers
	client bool             // this end masks its frames
	lim    *limits          // shared by the connections of an Upgrader or Dialer
	pool   *bufPool
	proto  *string      // the subprotocol agreed, if any
	z      *compression // nil unless permessage-deflate was agreed

	rd reader      // the read side's state, owned by the reading task
	wr writer      // the write side's state, owned by whoever holds the socket's writing
	mu sync.Mutex  // guards sh
	sh sharedState // what the two sides tell each other
}

// compression is a connection's permessage-deflate state.
type compression struct {
	defl  *deflater
	infl  *inflater
	plain []byte // the last message read, inflated
}

// pongPayload is a ping's payload, kept to answer it.
type pongPayload struct {
	n int
	b [maxControlPayload]byte
}

// sharedState is what the read side and the write side share, under
// Conn.mu: who writes to the socket, the control frames waiting to go,
// and how far the close handshake has come.
type sharedState struct {
	busy        bool         // a side is writing to the socket
	writeWaiter async.Waker  // a write waiting for busy to clear
	ctlWaiter   async.Waker  // the read side, waiting for busy to clear to send a close frame
	opWaiter    async.Waker  // Close waiting for the peer's close frame, or Ping for its pong
	pingWait    *pingFuture  // the Ping that waits for its pong
	pongCame    bool         // pingWait's pong arrived
	pong        *pongPayload // the payload of the pong owed, if pongDue; made at the first ping
	pongDue     bool         // a ping arrived that is not answered yet
	pingDue     bool         // a keep-alive ping is to be sent
	closeCode   StatusCode   // the code of the close frame to be sent (if closeDue)
	closeDue    bool         // a close frame answering the peer's is to be sent
	closeSent   bool         // our close frame is out (or being written)
	closeRecv   *CloseError  // the peer's close frame, once read
	reading     bool         // a read of the caller's is in flight
	readBusy    bool         // a poll is in the read side (see enterRead)
	closeReads  bool         // Close is reading, for want of a read in flight
	readWaiter  async.Waker  // a read waiting for readBusy to clear
	err         error        // why the connection ended, once it has
	sockClosed  bool         // the socket is closed
}

// newConn makes a connection over s. buffered is what was read past the
// handshake: the peer's first frames.
func newConn(s stream, r *reactor.Reactor, client bool, o *Options, sh *shared, buffered []byte) *Conn {
	c := &Conn{s: s, r: r, client: client, lim: sh.limits(o), pool: &sh.pool}
	if len(buffered) > 0 {
		c.rd.buf = make([]byte, max(len(buffered), bufSize))
		c.rd.end = copy(c.rd.buf, buffered)
	}
	return c
}

// Subprotocol is the application protocol both ends agreed, or "".
func (c *Conn) Subprotocol() string {
	if c.proto == nil {
		return ""
	}
	return *c.proto
}

// setProtocol records the subprotocol agreed.
func (c *Conn) setProtocol(p string) {
	if p != "" {
		c.proto = &p
	}
}

// Compressed reports whether permessage-deflate was agreed: messages may
// then be compressed either way.
func (c *Conn) Compressed() bool { return c.z != nil }

// LocalAddr is the local address of the connection's socket.
func (c *Conn) LocalAddr() net.Addr {
	if a, ok := c.s.(interface{ LocalAddr() net.Addr }); ok {
		return a.LocalAddr()
	}
	return nil
}

// RemoteAddr is the peer's address.
func (c *Conn) RemoteAddr() net.Addr {
	if a, ok := c.s.(interface{ RemoteAddr() net.Addr }); ok {
		return a.RemoteAddr()
	}
	return nil
}

// CloseNow closes the socket at once, without a close handshake; reads
// and writes in flight fail. It is what a connection that is done with,
// or stuck, ends with; Close is the polite way.
func (c *Conn) CloseNow() error {
	c.mu.Lock()
	if c.sh.err == nil {
		c.sh.err = ErrClosed
	}
	c.mu.Unlock()
	return c.closeSocket()
}

// closeSocket closes the socket once, and wakes whoever waits on the
// shared state.
func (c *Conn) closeSocket() error {
	c.mu.Lock()
	if c.sh.err == nil {
		c.sh.err = ErrClosed
	}
	closed := c.sh.sockClosed
	c.sh.sockClosed = true
	ws := c.takeWaiters()
	c.mu.Unlock()
	ws.wake()
	if closed {
		return nil
	}
	return c.s.Close()
}

// failed records err as why the connection ended, unless it has ended
// already, and returns the error that ended it.
func (c *Conn) failed(err error) error {
	c.mu.Lock()
	if c.sh.err == nil {
		c.sh.err = err
	}
	err = c.sh.err
	c.mu.Unlock()
	return err
}

// ended returns why the connection ended, or nil.
func (c *Conn) ended() error {
	c.mu.Lock()
	err := c.sh.err
	c.mu.Unlock()
	return err
}

// waiters are wakers taken out of the shared state, to wake without the
// lock held.
type waiters [4]async.Waker

func (c *Conn) takeWaiters() waiters {
	w := waiters{c.sh.writeWaiter, c.sh.ctlWaiter, c.sh.opWaiter, c.sh.readWaiter}
	c.sh.writeWaiter, c.sh.ctlWaiter, c.sh.opWaiter, c.sh.readWaiter = nil, nil, nil, nil
	return w
}

func (w waiters) wake() {
	for _, x := range w {
		if x != nil {
			x.Wake()
		}
	}
}
