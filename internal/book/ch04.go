package book

// Chapter 4, "Create Your Own Event Queue".
//
// The book's program sends five HTTP requests to the delayserver, each asking
// for a different delay, and then waits for all the answers on one thread
// with one epoll instance. The answers come back in the order their delays
// end, and the whole run takes as long as the longest delay, not the sum:
// that is the point of an event queue. This file is that program on package
// poll, with the gaps the book leaves filled: the connect is non-blocking
// too, partial writes are resumed, errors are returned, and every descriptor
// is closed on every path.

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async/internal/netfd"
	"github.com/asyncgo/async/poll"
)

// chapter4Requests is how many requests the program sends, as in the book.
const chapter4Requests = 5

// chapter4Patience is how long the program waits beyond the longest delay
// before it gives up, so that a server that accepts and never answers cannot
// hang it forever. It is a safety net, not part of the protocol.
const chapter4Patience = 30 * time.Second

// readBufSize is the size of the buffer each read fills, the book's 4096.
// A response longer than that simply takes several reads.
const readBufSize = 4096

// Chapter4 runs the program of chapter 4 against the delayserver at server,
// a "host:port" where host is an IP address or localhost. Request i (0 to 4)
// asks for a delay of 5-i seconds, as in the book, so the answers arrive in
// the order request-4 ... request-0, all within about five seconds. For each answer it
// writes "RECEIVED: token i", the raw HTTP response and a line "------" to
// w; then "FINISHED".
func Chapter4(w io.Writer, server string) error {
	return Chapter4Delays(w, server, time.Second)
}

// Chapter4Delays is Chapter4 with request i asking for a delay of
// (5-i)*step instead of 5-i seconds. Tests use a small step; a step of 0
// sends five requests that are answered at once, in no particular order.
// Delays go out in whole milliseconds; one above the delayserver's cap of a
// minute is answered with 400 Bad Request, which is printed like any answer.
func Chapter4Delays(w io.Writer, server string, step time.Duration) error {
	if step < 0 {
		return fmt.Errorf("book: chapter 4: negative delay step %v", step)
	}
	target, err := resolve(server)
	if err != nil {
		return err
	}
	p, err := poll.New()
	if err != nil {
		return fmt.Errorf("book: chapter 4: %w", err)
	}
	ch := &chapter4{w: w, server: server, poller: p}
	// Runs on every path, the early returns included: each descriptor that
	// was opened is deregistered and closed, and then the event queue.
	defer ch.closeAll()

	// Step 1: open the five connections and register each with the queue.
	// None of these calls waits for the network.
	for i := range chapter4Requests {
		delay := time.Duration(chapter4Requests-i) * step
		if err := ch.open(i, target, delay); err != nil {
			return err
		}
	}
	// Step 2: wait for events and react to them until every answer is in.
	longest := time.Duration(chapter4Requests) * step
	if err := ch.loop(time.Now().Add(longest + chapter4Patience)); err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, "FINISHED")
	return err
}

// chapter4 is the program's state: the queue and one connection per token.
// One goroutine owns all of it; nothing here is shared.
type chapter4 struct {
	w      io.Writer
	server string // as the caller wrote it, for the Host header and errors
	poller *poll.Poller
	// conns is indexed by token. This is why the book registers each
	// socket under a token of its own choosing: the kernel hands the token
	// back with every event, and the program finds its own state for the
	// socket with a slice index, without asking which descriptor it was.
	conns []*chapter4Conn
	buf   [readBufSize]byte // the read buffer, shared: one read at a time
}

// chapter4Conn is one request's connection, from connect to end of stream.
type chapter4Conn struct {
	fd        int // -1 once closed
	tok       poll.Token
	connected bool   // the connect finished and SO_ERROR said it worked
	unsent    []byte // the part of the request not yet written
	response  []byte // every byte read so far
}

// target is a resolved server address: what connect needs, in the socket
// family it needs, and the Host header to send.
type target struct {
	domain int // unix.AF_INET or unix.AF_INET6
	addr   unix.Sockaddr
	host   string // host:port for the Host header
}

// resolve turns server, "host:port", into a socket address. Host must be an
// IPv4 or IPv6 literal, or localhost, which means 127.0.0.1 because that is
// where the delayserver listens by default. Any other name is refused: the
// program does no DNS lookup, which would block and hide the point of the
// chapter.
func resolve(server string) (target, error) {
	host, portText, err := net.SplitHostPort(server)
	if err != nil {
		return target{}, fmt.Errorf("book: server %q: %w", server, err)
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil || port == 0 {
		return target{}, fmt.Errorf("book: server %q: port %q is not a number from 1 to 65535", server, portText)
	}
	ipText := host
	if strings.EqualFold(host, "localhost") {
		ipText = "127.0.0.1"
	}
	ip, err := netip.ParseAddr(ipText)
	if err != nil {
		return target{}, fmt.Errorf("book: server %q: host %q is not an IP address or localhost (names are not looked up)", server, host)
	}
	if ip.Zone() != "" {
		return target{}, fmt.Errorf("book: server %q: IPv6 zones are not supported", server)
	}
	hostHeader := net.JoinHostPort(host, portText)
	// An IPv4 address written as IPv6 (::ffff:127.0.0.1) goes out over IPv4,
	// which works whether or not the host has IPv6 at all.
	ip = ip.Unmap()
	if ip.Is4() {
		return target{unix.AF_INET, &unix.SockaddrInet4{Port: int(port), Addr: ip.As4()}, hostHeader}, nil
	}
	return target{unix.AF_INET6, &unix.SockaddrInet6{Port: int(port), Addr: ip.As16()}, hostHeader}, nil
}

// request returns the HTTP request for token i: a GET of /{delay_ms}/request-i.
// "Connection: close" asks the server to close the connection after the
// answer, so end of stream marks the end of the response and the program
// needs no HTTP parser.
func request(host string, delay time.Duration, i int) []byte {
	return fmt.Appendf(nil, "GET /%d/request-%d HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
		delay.Milliseconds(), i, host)
}

// open starts connection i and registers it with the queue under token i.
func (ch *chapter4) open(i int, t target, delay time.Duration) error {
	fd, err := netfd.Socket(t.domain, unix.SOCK_STREAM, unix.IPPROTO_TCP)
	if err != nil {
		return fmt.Errorf("book: socket for request-%d to %s: %w", i, ch.server, err)
	}
	// A non-blocking connect returns at once. EINPROGRESS is the normal
	// answer: the handshake goes on in the kernel, and the socket becomes
	// writable when it is done, or fails; SO_ERROR then says which. EINTR
	// means the same (connect(2): the connection goes on asynchronously).
	err = unix.Connect(fd, t.addr)
	if err != nil && err != unix.EINPROGRESS && err != unix.EINTR {
		unix.Close(fd)
		return fmt.Errorf("book: connect to %s for request-%d: %w", ch.server, i, err)
	}
	// Register for both directions: writable tells us the connect finished
	// and the request can go out, readable that the answer came in. Edge
	// mode, as in the book (EPOLLET): an event is reported when the socket
	// becomes ready, and not again until we have drained it. Registering
	// after connect loses nothing: the queue reports a socket that is ready
	// already when it is added.
	tok := poll.Token(i)
	if err := ch.poller.Register(fd, tok, poll.ReadWrite, poll.Edge); err != nil {
		unix.Close(fd)
		return fmt.Errorf("book: request-%d to %s: %w", i, ch.server, err)
	}
	ch.conns = append(ch.conns, &chapter4Conn{fd: fd, tok: tok, unsent: request(t.host, delay, i)})
	return nil
}

// loop is the book's event loop: block in Wait until the kernel reports
// something, handle each event, and go round again until every connection
// has reached end of stream. It never spins: between events the goroutine
// sleeps in the kernel. The deadline is only a safety net.
func (ch *chapter4) loop(deadline time.Time) error {
	events := poll.NewEvents(len(ch.conns))
	for open := len(ch.conns); open > 0; {
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("book: chapter 4: gave up waiting for %s: %d of %d answers still missing",
				ch.server, open, len(ch.conns))
		}
		if err := ch.poller.Wait(events, left); err != nil {
			return fmt.Errorf("book: chapter 4: waiting for %s: %w", ch.server, err)
		}
		// An empty list means a timeout or a spurious wakeup; the book
		// prints "TIMEOUT (OR SPURIOUS EVENT NOTIFICATION)" and goes on.
		for _, ev := range events.List() {
			finished, err := ch.handle(ev)
			if err != nil {
				return err
			}
			if finished {
				open--
			}
		}
	}
	return nil
}

// handle reacts to one event and reports whether its connection reached end
// of stream, was printed and closed. An event is a hint: every step below
// asks the socket itself, and does nothing if the socket says "not yet".
func (ch *chapter4) handle(ev poll.Event) (finished bool, err error) {
	if int(ev.Token) >= len(ch.conns) {
		return false, fmt.Errorf("book: chapter 4: event for unknown token %d", ev.Token)
	}
	c := ch.conns[ev.Token]
	if c.fd < 0 {
		return false, nil // closed already; a late event is harmless
	}
	if !c.connected {
		if c.connected, err = c.connectDone(ev); err != nil {
			return false, fmt.Errorf("book: connect to %s for request-%d: %w", ch.server, c.tok, err)
		}
		if !c.connected {
			return false, nil // still connecting
		}
	}
	if len(c.unsent) > 0 {
		if err := ch.send(c); err != nil {
			return false, fmt.Errorf("book: send request-%d to %s: %w", c.tok, ch.server, err)
		}
	}
	eof, err := c.drain(ch.buf[:])
	if err != nil {
		return false, fmt.Errorf("book: read answer to request-%d from %s: %w", c.tok, ch.server, err)
	}
	if !eof {
		return false, nil
	}
	return true, ch.finish(c)
}

// connectDone reports whether the connect has finished, or the error it
// failed with. It finished when the socket is writable or has an error; the
// kernel keeps the outcome in SO_ERROR (0 for success), and reading it there
// clears it.
func (c *chapter4Conn) connectDone(ev poll.Event) (bool, error) {
	if !ev.Writable() && !ev.Error() && !ev.WriteClosed() {
		return false, nil
	}
	errno, err := unix.GetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return false, fmt.Errorf("getsockopt SO_ERROR: %w", err)
	}
	if errno != 0 {
		return false, unix.Errno(errno)
	}
	return true, nil
}

// send writes what is left of the request. A write may take only part of it
// when the socket's send buffer is full (a five-line request never fills
// it, but a correct program does not count on that); then the rest waits for
// the next writable event, which edge mode reports once the buffer drains.
// When the whole request is out, the registration narrows to reading, so the
// queue stops reporting writability that nobody needs.
func (ch *chapter4) send(c *chapter4Conn) error {
	for len(c.unsent) > 0 {
		n, err := ignoringEINTR(unix.Write, c.fd, c.unsent)
		if err == unix.EAGAIN {
			return nil
		}
		if err != nil {
			return err
		}
		c.unsent = c.unsent[n:]
	}
	// Reregister (EPOLL_CTL_MOD) checks readiness anew, so an answer that
	// arrived while we were writing is still reported.
	return ch.poller.Reregister(c.fd, c.tok, poll.Readable, poll.Edge)
}

// drain reads until the socket has nothing more for now (EAGAIN) or reaches
// end of stream (a read of 0 bytes), appending to c.response. Reading to
// EAGAIN is what edge mode demands: the queue reported the socket when it
// became readable and will not report it again for bytes already waiting,
// so stopping after one read could leave the rest unread forever.
func (c *chapter4Conn) drain(buf []byte) (eof bool, err error) {
	for {
		n, err := ignoringEINTR(unix.Read, c.fd, buf)
		switch {
		case err == unix.EAGAIN:
			return false, nil
		case err != nil:
			return false, err
		case n == 0:
			return true, nil
		}
		c.response = append(c.response, buf[:n]...)
	}
}

// finish prints a complete answer, as the book does, and closes its socket.
// The whole block goes out in one Write so that it stays in one piece when
// w is shared with other writers, as in the tour.
func (ch *chapter4) finish(c *chapter4Conn) error {
	err := c.close(ch.poller)
	if err != nil {
		return fmt.Errorf("book: close request-%d to %s: %w", c.tok, ch.server, err)
	}
	block := fmt.Sprintf("RECEIVED: token %d\n%s\n------\n\n", c.tok, c.response)
	if _, err := io.WriteString(ch.w, block); err != nil {
		return fmt.Errorf("book: print answer to request-%d: %w", c.tok, err)
	}
	return nil
}

// close deregisters and closes c's socket, once. The order matters: the
// queue must forget the descriptor before its number can be reused.
func (c *chapter4Conn) close(p *poll.Poller) error {
	if c.fd < 0 {
		return nil
	}
	errDereg := p.Deregister(c.fd)
	errClose := unix.Close(c.fd)
	c.fd = -1
	return errors.Join(errDereg, errClose)
}

// closeAll closes every connection still open and then the queue, for the
// paths that end early. Errors are dropped: this runs when the program has
// already failed or finished, and the descriptors are gone either way.
func (ch *chapter4) closeAll() {
	for _, c := range ch.conns {
		c.close(ch.poller)
	}
	ch.poller.Close()
}

// ignoringEINTR calls a read or write system call on fd again for as long as
// a signal interrupts it before it transferred anything. It is the one place
// this file retries EINTR.
func ignoringEINTR(call func(int, []byte) (int, error), fd int, p []byte) (int, error) {
	for {
		n, err := call(fd, p)
		if err != unix.EINTR {
			return n, err
		}
	}
}
