package nethttp

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// rawConn is a client connection that writes requests as bytes and
// reads responses with net/http's parser.
type rawConn struct {
	t testing.TB
	net.Conn
	br *bufio.Reader
}

func dialRaw(t testing.TB, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(30 * time.Second))
	return &rawConn{t: t, Conn: c, br: bufio.NewReader(c)}
}

func (c *rawConn) send(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.Conn, s); err != nil {
		c.t.Fatalf("writing %q: %v", s, err)
	}
}

// read reads one response to a request with method, and its body.
func (c *rawConn) read(method string) (*http.Response, string) {
	c.t.Helper()
	resp, err := http.ReadResponse(c.br, &http.Request{Method: method})
	if err != nil {
		c.t.Fatalf("reading a response: %v", err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("reading a response's body: %v", err)
	}
	return resp, string(b)
}

// expectClosed checks that the server closes the connection with
// nothing more to read.
func (c *rawConn) expectClosed() {
	c.t.Helper()
	b, err := io.ReadAll(c.br)
	if err != nil && !isReset(err) {
		c.t.Fatalf("reading to the end of the connection: %v (read %q)", err, b)
	}
	if len(b) > 0 {
		c.t.Fatalf("read %q; want the connection closed", b)
	}
}

func isReset(err error) bool {
	var op *net.OpError
	return errorsAs(err, &op) && op.Op == "read"
}
