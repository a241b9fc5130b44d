package interop

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// gorillaConn is a wsConn on github.com/gorilla/websocket.
type gorillaConn struct {
	c          *websocket.Conn
	compressed bool
	in         *inbox
}

func newGorillaConn(c *websocket.Conn, compressed bool) *gorillaConn {
	g := &gorillaConn{c: c, compressed: compressed, in: newInbox()}
	c.SetPongHandler(func(p string) error {
		g.in.pong([]byte(p))
		return nil
	})
	// The default ping and close handlers answer, as the cases expect.
	g.in.start(g.read)
	return g
}

func (g *gorillaConn) read() (message, error) {
	typ, p, err := g.c.ReadMessage()
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return message{}, &closeError{code: ce.Code, reason: ce.Text}
	}
	return message{typ: typ, data: p}, err
}

func (g *gorillaConn) Send(m message) error {
	g.c.SetWriteDeadline(time.Now().Add(opTimeout))
	return g.c.WriteMessage(m.typ, m.data)
}

func (g *gorillaConn) SendFragments(typ int, parts [][]byte) error {
	g.c.SetWriteDeadline(time.Now().Add(opTimeout))
	w, err := g.c.NextWriter(typ)
	if err != nil {
		return err
	}
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return w.Close()
}

func (g *gorillaConn) Receive() (message, error) { return g.in.receive() }

func (g *gorillaConn) Ping(p []byte) error {
	if err := g.c.WriteControl(websocket.PingMessage, p, time.Now().Add(opTimeout)); err != nil {
		return err
	}
	return g.in.waitPong(p)
}

func (g *gorillaConn) Close(code int, reason string) error {
	defer g.Abort()
	msg := websocket.FormatCloseMessage(code, reason)
	if err := g.c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(opTimeout)); err != nil {
		return err
	}
	return g.in.waitClose()
}

func (g *gorillaConn) Compressed() bool { return g.compressed }

func (g *gorillaConn) Abort() {
	g.c.Close()
	g.in.close()
}

// gorillaDial is gorilla's client.
func gorillaDial(url string, offer bool, body func(c wsConn) error) error {
	d := websocket.Dialer{EnableCompression: offer, HandshakeTimeout: opTimeout}
	c, resp, err := d.Dial(url, nil)
	if err != nil {
		return fmt.Errorf("%w %s: %w", errDial, url, err)
	}
	g := newGorillaConn(c, negotiatedDeflate(resp.Header))
	defer g.Abort()
	return body(g)
}

// gorillaHandler is the echo server on gorilla's Upgrader, a net/http
// handler, for net/http's server and for our adapter (http1/nethttp).
func gorillaHandler(v *verdicts) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accept := r.URL.Query().Get("accept") == "1"
		u := websocket.Upgrader{EnableCompression: accept}
		c, err := u.Upgrade(w, r, nil)
		if err != nil {
			v.put(r.URL.Query().Get("id"), fmt.Errorf("gorilla upgrade: %w", err))
			return
		}
		// gorilla negotiates whenever it may and the client offers.
		serveConn(v, r.URL, newGorillaConn(c, accept && negotiatedDeflate(r.Header)))
	})
}

// startGorilla serves gorillaHandler on net/http's server.
func startGorilla(t *testing.T) (string, *verdicts) {
	v := newVerdicts()
	return startNetHTTP(t, gorillaHandler(v)), v
}

// startNetHTTP serves h on net/http's server on loopback until the test
// ends, and returns its ws:// base URL.
func startNetHTTP(t *testing.T, h http.Handler) string {
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return "ws://" + ts.Listener.Addr().String()
}

// serveConn serves c with serve, aborts it, and records the verdict.
func serveConn(v *verdicts, u *url.URL, c wsConn) {
	err := serve(c, u)
	c.Abort()
	v.put(u.Query().Get("id"), err)
}
