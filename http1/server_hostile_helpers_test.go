package http1

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/async"
)

// Helpers of the hostile-request, limits and interop tests.

// servedLog records the target of every request a handler was called
// for, so that a test can tell that a request smuggled behind a bad one
// never reached a handler.
type servedLog struct {
	mu      sync.Mutex
	targets []string
}

func (l *servedLog) add(target []byte) {
	l.mu.Lock()
	l.targets = append(l.targets, string(target))
	l.mu.Unlock()
}

// count returns how many requests for target were served.
func (l *servedLog) count(target string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, t := range l.targets {
		if t == target {
			n++
		}
	}
	return n
}

// readingHandler reads the whole request body, then answers 200 with
// "ok <target> <body length>". A read that fails makes it return
// without answering, so that the server answers with the failure's
// status (400, 408 or 413). It logs every request it is called for.
func readingHandler(log *servedLog) Handler {
	return HandlerFunc(func(w *ResponseWriter, r *Request) async.Future[struct{}] {
		log.add(r.Target())
		return async.Go(func(co *async.Co) struct{} {
			n, err := discardBody(co, r)
			if err != nil {
				return struct{}{}
			}
			async.Await(co, w.Send(200, fmt.Appendf(nil, "ok %s %d", r.Target(), n)))
			return struct{}{}
		})
	})
}

// discardBody reads r's body to its end and returns its length.
func discardBody(co *async.Co, r *Request) (int64, error) {
	buf := make([]byte, 512)
	var n int64
	for {
		k, err := async.Await(co, r.Body().Read(buf)).Get()
		n += int64(k)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// sendLoose writes s, ignoring a write error: the server may answer and
// close before it has read all of a hostile request, and what matters
// then is the answer, read next.
func (c *rawConn) sendLoose(s string) {
	io.WriteString(c.Conn, s)
}

// closeWrite sends FIN: the client has nothing more to say, and reads on.
func (c *rawConn) closeWrite() {
	c.t.Helper()
	if err := c.Conn.(*net.TCPConn).CloseWrite(); err != nil {
		c.t.Fatalf("closing the write side: %v", err)
	}
}

// readErr reads one response, or returns the error that stopped it.
func (c *rawConn) readErr(head bool) (response, error) {
	return readResponse(c.br, head)
}

// closedWithin reports whether the server closes the connection within
// d: a read ends with EOF or a reset, after nothing more than the bytes
// it returns.
func (c *rawConn) closedWithin(d time.Duration) ([]byte, error) {
	c.SetReadDeadline(time.Now().Add(d))
	b, err := io.ReadAll(c.br)
	if err != nil && isReset(err) {
		err = nil
	}
	return b, err
}

// expectServes checks that the server at addr answers a GET on a new
// connection with 200 and the body want ("" for any).
func expectServes(t *testing.T, addr, want string) {
	t.Helper()
	c := dialRaw(t, addr)
	defer c.Close()
	c.send("GET /check HTTP/1.1\r\nHost: x\r\n\r\n")
	r := c.read(false)
	if r.status != 200 || want != "" && r.body != want {
		t.Fatalf("a good request on a new connection: %d %q, want 200 %q", r.status, r.body, want)
	}
}

// isClosedErr reports whether err is what a write or read on a
// connection the server closed fails with.
func isClosedErr(err error) bool {
	return err == io.EOF || isReset(err) || errors.Is(err, net.ErrClosed) || isBrokenPipe(err)
}

func isBrokenPipe(err error) bool { return errors.Is(err, syscall.EPIPE) }
