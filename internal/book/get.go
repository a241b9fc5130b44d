package book

// Chapters 7 and 8: Http::get.
//
// The book's Http::get returns a leaf future, HttpGetFuture: its first poll
// opens a socket and writes the request, later polls read until WouldBlock,
// register the socket with the reactor, and end at end of stream with the
// raw response as a String. This file is that future, written as a state
// machine on this module's reactor, with the gaps the book leaves filled:
// the connect does not block, a partial write is resumed, the response is
// parsed and checked rather than returned raw, a response framed by
// Content-Length ends when its body is in even if the server keeps the
// connection open, every malformed answer is an error rather than a panic,
// and a cancelled future releases its socket.

import (
	"bytes"
	"errors"
	"fmt"
	"net/textproto"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/netfd"
	"github.com/asyncgo/async/reactor"
)

// The limits on a response: Get fails rather than hold more than this. Both
// are far above what the delayserver sends and low enough that a broken or
// hostile server cannot make the program hold gigabytes.
const (
	// MaxHeaderBytes caps the head of a response: the status line and the
	// header lines, with the heads of any 1xx interim responses before it.
	MaxHeaderBytes = 64 << 10
	// MaxBodyBytes caps the body of a response.
	MaxBodyBytes = 16 << 20
)

// firstReadSize is the buffer the first read fills, the book's 4096. The
// buffer doubles when it fills, up to what the limits allow.
const firstReadSize = 4096

var (
	// ErrBadResponse is wrapped by the errors of responses that do not
	// follow HTTP/1.1 (RFC 9112): a bad status line or header line, a bad
	// Content-Length, or a connection closed before the response was
	// complete. Its text has no package prefix because it is always
	// wrapped in an error that has one.
	ErrBadResponse = errors.New("malformed HTTP response")
	// ErrTooLarge is wrapped by the errors of responses over
	// MaxHeaderBytes or MaxBodyBytes.
	ErrTooLarge = errors.New("HTTP response too large")
)

// Response is an HTTP response as Get reads it.
type Response struct {
	Proto  string // "HTTP/1.1" or "HTTP/1.0"
	Status int    // the status code, such as 200 or 404
	Reason string // the reason phrase, such as "OK"; it may be empty
	// Header holds the header fields under canonical names, so that
	// Header.Get("content-length") finds "Content-Length: 5". A field sent
	// several times has one value per line, in order.
	Header textproto.MIMEHeader
	Body   []byte
}

// Get returns a future that sends "GET path" to server, a "host:port" where
// host is an IP address or localhost (see resolve: no name is looked up),
// and is ready with the response, or with the error that stopped it.
//
// Nothing happens until the first poll, which must come from a runtime with
// a reactor (an executor). The request says "Connection: close", and the
// future ends when the body is complete: after Content-Length bytes, or at
// end of stream when the response has no Content-Length; 1xx interim
// responses are skipped, and 204 and 304 have no body. A response with a
// Transfer-Encoding, chunked included, is refused with an error wrapping
// errors.ErrUnsupported. Malformed responses fail with ErrBadResponse,
// responses over MaxHeaderBytes or MaxBodyBytes with ErrTooLarge, and a
// status of 400 or 500 is a Response, not an error.
//
// The socket is deregistered and closed as soon as the response is
// complete, or fails, or the future is cancelled, whatever state it was in.
func Get(server, path string) async.Future[async.Result[Response]] {
	return &getFuture{server: server, path: path, fd: -1}
}

// getState is where a getFuture is in its exchange with the server. Each
// state waits for one thing; the comments say what.
type getState uint8

const (
	getStart   getState = iota // not polled yet: no socket
	getConnect                 // waiting for the handshake: writable or an error
	getWrite                   // waiting for room to write the rest of the request
	getRead                    // waiting for the response, or more of it
	getDone                    // ready, failed or cancelled: no socket
)

// getFuture is the state machine of Get. Only the goroutine polling it
// touches it.
type getFuture struct {
	server, path string
	state        getState

	fd  int             // the socket; -1 when there is none
	src *reactor.Source // its registration; nil when there is none

	unsent []byte         // the part of the request not yet written
	parser responseParser // the response read so far, and what is known of it

	// The operations netfd.PollIO runs, bound once so that a poll
	// allocates nothing for them.
	connectOp, writeOp, readOp func() (int, error)
}

// Poll runs the state machine as far as it can go without waiting.
func (g *getFuture) Poll(cx *async.Context) (async.Result[Response], bool) {
	for g.state != getDone {
		var ok bool
		var err error
		switch g.state {
		case getStart:
			ok, err = true, g.start(cx)
		case getConnect:
			ok, err = g.connect(cx)
		case getWrite:
			ok, err = g.write(cx)
		case getRead:
			ok, err = g.read(cx)
		}
		if err != nil {
			g.release()
			g.state = getDone
			return async.Err[Response](fmt.Errorf("book: GET %q from %s: %w", g.path, g.server, err)), true
		}
		if !ok {
			return async.Result[Response]{}, false // the waker is stored
		}
	}
	// The response is complete: let go of the socket before handing it over.
	if err := g.release(); err != nil {
		return async.Err[Response](fmt.Errorf("book: GET %q from %s: close: %w", g.path, g.server, err)), true
	}
	return async.Ok(g.parser.resp), true
}

// Cancel closes the socket, whatever state the exchange is in.
func (g *getFuture) Cancel() {
	g.release()
	g.state = getDone
}

// start opens a socket, starts a non-blocking connect and registers the
// socket with the reactor. Nothing here waits for the network.
func (g *getFuture) start(cx *async.Context) error {
	if err := checkPath(g.path); err != nil {
		return err
	}
	r := cx.Reactor()
	if r == nil {
		return errors.New("polled without a reactor; run it on an executor")
	}
	t, err := resolve(g.server)
	if err != nil {
		return err
	}
	if g.fd, err = netfd.Socket(t.domain, unix.SOCK_STREAM, unix.IPPROTO_TCP); err != nil {
		g.fd = -1
		return fmt.Errorf("socket: %w", err)
	}
	// EINPROGRESS is the normal answer: the handshake goes on in the
	// kernel (EINTR means the same, see connect(2)). A connect that is
	// done already, as it can be on loopback, is checked the same way.
	if err := unix.Connect(g.fd, t.addr); err != nil && err != unix.EINPROGRESS && err != unix.EINTR {
		return fmt.Errorf("connect: %w", err)
	}
	if g.src, err = r.Register(g.fd); err != nil {
		return err
	}
	g.unsent = fmt.Appendf(nil, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", g.path, t.host)
	g.parser = newResponseParser()
	g.connectOp, g.writeOp, g.readOp = g.connected, g.writeSome, g.readSome
	g.state = getConnect
	return nil
}

// connect waits for the handshake to end. The socket turns writable when
// it does, either way.
func (g *getFuture) connect(cx *async.Context) (bool, error) {
	r, ok := netfd.PollIO(cx, g.src, reactor.Write, netfd.IOFunc[int](g.connectOp))
	if !ok {
		return false, nil
	}
	if r.Err != nil {
		return false, fmt.Errorf("connect: %w", r.Err)
	}
	g.state = getWrite
	return true, nil
}

// connected is the operation of the connect state. The kernel keeps the
// outcome of a finished connect in SO_ERROR, 0 for success; but SO_ERROR is
// 0 while the handshake is still going too, and a new source starts out
// assumed writable, so on 0 the peer's address tells the two apart (Go's
// net package does the same). "Not yet" is reported as EAGAIN, which makes
// netfd.PollIO wait for the next event.
func (g *getFuture) connected() (int, error) {
	errno, err := unix.GetsockoptInt(g.fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return 0, fmt.Errorf("getsockopt SO_ERROR: %w", err)
	}
	if errno != 0 {
		return 0, unix.Errno(errno)
	}
	if _, err := unix.Getpeername(g.fd); err == unix.ENOTCONN {
		return 0, unix.EAGAIN
	} else if err != nil {
		return 0, fmt.Errorf("getpeername: %w", err)
	}
	return 0, nil
}

// write sends the request, in as many writes as the socket needs.
func (g *getFuture) write(cx *async.Context) (bool, error) {
	for len(g.unsent) > 0 {
		r, ok := netfd.PollIO(cx, g.src, reactor.Write, netfd.IOFunc[int](g.writeOp))
		if !ok {
			return false, nil
		}
		if r.Err != nil {
			return false, fmt.Errorf("send request: %w", r.Err)
		}
		g.unsent = g.unsent[r.Value:]
	}
	g.unsent = nil
	g.state = getRead
	return true, nil
}

func (g *getFuture) writeSome() (int, error) { return unix.Write(g.fd, g.unsent) }

// read reads until the response is complete, parsing as it goes, so that
// it can stop at the end of the body without waiting for end of stream.
func (g *getFuture) read(cx *async.Context) (bool, error) {
	for {
		r, ok := netfd.PollIO(cx, g.src, reactor.Read, netfd.IOFunc[int](g.readOp))
		if !ok {
			return false, nil
		}
		if r.Err != nil {
			return false, fmt.Errorf("read response: %w", r.Err)
		}
		done, err := g.parser.advance(r.Value)
		if err != nil || done {
			g.state = getDone
			return done, err
		}
	}
}

// readSome reads into the room the parser has for the next bytes.
func (g *getFuture) readSome() (int, error) { return unix.Read(g.fd, g.parser.room()) }

// responseParser parses a response as it arrives, in whatever pieces the
// socket hands over: the reader asks room for the space to read into and
// tells advance how much the read filled. It owns the buffer the reads
// fill so that the buffer grows only as fast as bytes arrive, and never
// past the limits, whatever the response announces. It knows nothing of
// sockets, which lets the tests feed it every way of splitting a response.
type responseParser struct {
	buf []byte // every byte of the response read so far

	// What is known of the response. The head being looked for starts at
	// buf[head] (after any 1xx interim heads); the search for its end got
	// to scanned, in the line that starts at line. Once it is complete it
	// is parsed into resp, and body is where the body starts; until then
	// body is -1. length is the body's length from Content-Length, or -1
	// for a body that ends at end of stream.
	resp    Response
	head    int
	line    int
	scanned int
	body    int
	length  int
}

// newResponseParser returns a parser that has seen nothing yet. Its buffer
// is made by the first call of room.
func newResponseParser() responseParser { return responseParser{body: -1, length: -1} }

// room returns the space the next read should fill: the room after the
// bytes read so far, growing the buffer when it is full, by doubling, so
// that it is never much more than twice what arrived, but never past
// readLimit. It is never empty while the response is incomplete (see
// readLimit), so a read that returns 0 always means end of stream. It may be
// called again without an advance in between, as when a read would block.
func (p *responseParser) room() []byte {
	limit := p.readLimit()
	if len(p.buf) == cap(p.buf) {
		want := min(max(2*cap(p.buf), firstReadSize), limit)
		p.buf = slices.Grow(p.buf, want-len(p.buf))
	}
	return p.buf[len(p.buf):min(cap(p.buf), limit)]
}

// advance takes in the n bytes the last read put at the start of room,
// where n == 0 means end of stream, and reports whether the response is
// complete. After it reports an error or completion it must not be called
// again.
func (p *responseParser) advance(n int) (bool, error) {
	p.buf = p.buf[:len(p.buf)+n]
	return p.progress(n == 0)
}

// readLimit is how long buf may grow before the next check must end the
// read: the header cap while the head is incomplete, the end of the body
// when Content-Length gave it, and one byte past the body cap otherwise, to
// see that it was passed. progress ends the read at each of these, so there
// is always room below the limit when room is called.
func (p *responseParser) readLimit() int {
	switch {
	case p.body < 0:
		return MaxHeaderBytes
	case p.length >= 0:
		return p.body + p.length
	default:
		return p.body + MaxBodyBytes + 1
	}
}

// progress looks at what was read so far, after a read that reached end of
// stream (eof) or not, and reports whether the response is complete.
func (p *responseParser) progress(eof bool) (bool, error) {
	if p.body < 0 {
		if err := p.parseHeads(); err != nil {
			return false, err
		}
	}
	switch {
	case p.body < 0 && len(p.buf) >= MaxHeaderBytes:
		return false, fmt.Errorf("%w: no end of the headers in the first %d bytes", ErrTooLarge, MaxHeaderBytes)
	case p.body < 0 && eof && len(p.buf) == 0:
		return false, fmt.Errorf("%w: connection closed without a response", ErrBadResponse)
	case p.body < 0 && eof:
		return false, fmt.Errorf("%w: connection closed after %d bytes, before the end of the headers", ErrBadResponse, len(p.buf))
	case p.body < 0:
		return false, nil
	}
	got := len(p.buf) - p.body
	switch {
	case p.length >= 0 && got >= p.length:
		p.resp.Body = p.buf[p.body : p.body+p.length : p.body+p.length]
		return true, nil
	case p.length >= 0 && eof:
		return false, fmt.Errorf("%w: connection closed after %d of the %d bytes of body Content-Length announced", ErrBadResponse, got, p.length)
	case got > MaxBodyBytes:
		return false, fmt.Errorf("%w: body longer than %d bytes", ErrTooLarge, MaxBodyBytes)
	case eof:
		p.resp.Body = p.buf[p.body:len(p.buf):len(p.buf)]
		return true, nil
	}
	return false, nil
}

// parseHeads parses every complete head in buf, skipping 1xx interim
// responses, until it parses the final one and sets body and length, or
// runs out of complete heads.
func (p *responseParser) parseHeads() error {
	for {
		end := p.headEnd()
		if end < 0 {
			return nil
		}
		resp, err := parseHead(p.buf[p.head:end])
		if err != nil {
			return err
		}
		switch {
		case resp.Status == 101:
			return fmt.Errorf("status 101 Switching Protocols, for an upgrade that was not asked for: %w", errors.ErrUnsupported)
		case resp.Status < 200:
			p.head = end
			continue // interim: the final response follows
		}
		p.resp = resp
		p.length, err = bodyLength(resp)
		p.body = end
		return err
	}
}

// headEnd looks in buf for the blank line that ends a head, and returns
// the offset just past it, or -1 if it is not there yet. Each byte is
// looked at once however many reads the head takes: scanned moves past
// every byte searched, found or not, and line keeps the start of the line
// being searched, so that a long line sent a byte at a time is not searched
// again from its start with each byte (which made such a line of n bytes
// cost n*n/2 comparisons). Lines end with CRLF; a bare LF is accepted too,
// as RFC 9112 section 2.2 allows.
func (p *responseParser) headEnd() int {
	for {
		i := bytes.IndexByte(p.buf[p.scanned:], '\n')
		if i < 0 {
			p.scanned = len(p.buf)
			return -1
		}
		l := p.buf[p.line : p.scanned+i]
		p.scanned += i + 1
		p.line = p.scanned
		if len(l) == 0 || len(l) == 1 && l[0] == '\r' {
			return p.scanned
		}
	}
}

// parseHead parses one head, the status line and the header lines up to
// and including the blank line.
func parseHead(head []byte) (Response, error) {
	lines := strings.Split(string(head), "\n")
	lines = lines[:len(lines)-2] // the blank line and the empty rest
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	if len(lines) == 0 {
		return Response{}, fmt.Errorf("%w: blank line where the status line should be", ErrBadResponse)
	}
	resp, err := parseStatusLine(lines[0])
	if err != nil {
		return Response{}, err
	}
	resp.Header = make(textproto.MIMEHeader, len(lines)-1)
	for _, l := range lines[1:] {
		name, value, err := parseHeaderLine(l)
		if err != nil {
			return Response{}, err
		}
		resp.Header.Add(name, value)
	}
	return resp, nil
}

// parseStatusLine parses "HTTP/1.1 200 OK" (RFC 9112 section 4). The reason
// may be empty, and the space before it missing.
func parseStatusLine(line string) (Response, error) {
	bad := func() (Response, error) {
		return Response{}, fmt.Errorf("%w: status line %q is not \"HTTP/1.x NNN reason\"", ErrBadResponse, line)
	}
	proto, rest, ok := strings.Cut(line, " ")
	if !ok || (proto != "HTTP/1.1" && proto != "HTTP/1.0") {
		return bad()
	}
	code, reason, _ := strings.Cut(rest, " ")
	if len(code) != 3 || strings.ContainsFunc(reason, isControl) {
		return bad()
	}
	status, err := strconv.Atoi(code)
	if err != nil || status < 100 || status > 599 {
		return bad()
	}
	return Response{Proto: proto, Status: status, Reason: reason}, nil
}

// parseHeaderLine parses "Name: value" (RFC 9112 section 5) into the
// canonical name and the value without its surrounding blanks. A line that
// starts with a blank continues the one before it, a form RFC 9112
// obsoletes; it is an error here, like any line without a colon, a name
// that is not a token (which includes a blank before the colon) and a value
// with control characters.
func parseHeaderLine(line string) (name, value string, err error) {
	name, value, ok := strings.Cut(line, ":")
	switch {
	case strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t"):
		return "", "", fmt.Errorf("%w: folded header line %q", ErrBadResponse, line)
	case !ok || !isToken(name):
		return "", "", fmt.Errorf("%w: header line %q is not \"Name: value\"", ErrBadResponse, line)
	}
	value = strings.Trim(value, " \t")
	if strings.ContainsFunc(value, isControl) {
		return "", "", fmt.Errorf("%w: control character in header line %q", ErrBadResponse, line)
	}
	return textproto.CanonicalMIMEHeaderKey(name), value, nil
}

// bodyLength returns the length of the body of resp, the answer to a GET
// (RFC 9112 section 6.3): none for 204 and 304; else Content-Length, which
// may be repeated but only with one value; else -1, for a body that ends
// when the server closes the connection. Transfer-Encoding is not
// supported.
func bodyLength(resp Response) (int, error) {
	if te := resp.Header.Values("Transfer-Encoding"); len(te) > 0 {
		return 0, fmt.Errorf("Transfer-Encoding %q (only bodies framed by Content-Length or by the end of the connection are read): %w",
			strings.Join(te, ", "), errors.ErrUnsupported)
	}
	if resp.Status == 204 || resp.Status == 304 {
		return 0, nil
	}
	values := resp.Header.Values("Content-Length")
	if len(values) == 0 {
		return -1, nil
	}
	length := -1
	for _, field := range values {
		for v := range strings.SplitSeq(field, ",") {
			n, err := parseLength(strings.Trim(v, " \t"))
			if err != nil {
				return 0, fmt.Errorf("Content-Length %q: %w", strings.Join(values, ", "), err)
			}
			if length >= 0 && n != length {
				return 0, fmt.Errorf("%w: Content-Length %q has different values", ErrBadResponse, strings.Join(values, ", "))
			}
			length = n
		}
	}
	return length, nil
}

// parseLength parses one Content-Length value: digits only, no sign, at
// most MaxBodyBytes.
func parseLength(v string) (int, error) {
	if v == "" || strings.ContainsFunc(v, func(r rune) bool { return r < '0' || r > '9' }) {
		return 0, fmt.Errorf("%w: not a number of bytes", ErrBadResponse)
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n > MaxBodyBytes {
		return 0, fmt.Errorf("%w: body longer than %d bytes", ErrTooLarge, MaxBodyBytes)
	}
	return int(n), nil
}

// checkPath accepts what can follow "GET " in a request line: an absolute
// path, with no blanks or control characters that would end the line
// early or smuggle in a header of the caller's making.
func checkPath(path string) error {
	if !strings.HasPrefix(path, "/") || strings.ContainsFunc(path, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
		return fmt.Errorf("path %q must start with / and hold only visible ASCII", path)
	}
	return nil
}

// isToken reports whether s is a token (RFC 9110 section 5.6.2): the
// characters of a header name.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// isControl reports whether r is a control character other than tab, which
// a header value and a reason phrase may contain.
func isControl(r rune) bool { return r != '\t' && (r < ' ' || r == 0x7f) }

// release deregisters and closes the socket, if there is one. The order
// matters: the reactor must forget the descriptor before its number can be
// reused. The stored wakers go first, so that deregistering, which wakes
// them, does not wake the task that is letting go.
func (g *getFuture) release() error {
	if g.fd < 0 {
		return nil
	}
	var errDereg error
	if g.src != nil {
		g.src.CancelWait(reactor.Read)
		g.src.CancelWait(reactor.Write)
		errDereg = g.src.Deregister()
		if g.src.Closed() && errors.Is(errDereg, reactor.ErrClosed) {
			errDereg = nil // the reactor closed first and let go of it
		}
		g.src = nil
	}
	errClose := unix.Close(g.fd)
	g.fd = -1
	g.parser.buf, g.unsent = nil, nil
	return errors.Join(errDereg, errClose)
}
