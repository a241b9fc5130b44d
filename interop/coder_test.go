package interop

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/coder/websocket"
)

// coderReadLimit is above the largest case's message (1 MiB); coder's
// default is 32 KiB.
const coderReadLimit = 2 << 20

// coderMode is the compression coder offers or accepts: context
// takeover, the mode that keeps the deflate window across messages, which
// asks more of the peer than gorilla's no-context-takeover.
func coderMode(on bool) websocket.CompressionMode {
	if on {
		return websocket.CompressionContextTakeover
	}
	return websocket.CompressionDisabled
}

// coderConn is a wsConn on github.com/coder/websocket. Its Ping sends
// coder's own payload (a counter) and checks the pong's itself.
type coderConn struct {
	c          *websocket.Conn
	compressed bool
	in         *inbox
}

// newCoderConn starts c's reader; in is the inbox whose pong method c's
// options call.
func newCoderConn(c *websocket.Conn, compressed bool, in *inbox) *coderConn {
	c.SetReadLimit(coderReadLimit)
	k := &coderConn{c: c, compressed: compressed, in: in}
	in.start(k.read)
	return k
}

func (k *coderConn) read() (message, error) {
	typ, p, err := k.c.Read(context.Background())
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		return message{}, &closeError{code: int(ce.Code), reason: ce.Reason}
	}
	return message{typ: int(typ), data: p}, err
}

func (k *coderConn) Send(m message) error {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	return k.c.Write(ctx, websocket.MessageType(m.typ), m.data)
}

func (k *coderConn) SendFragments(typ int, parts [][]byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	w, err := k.c.Writer(ctx, websocket.MessageType(typ))
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

func (k *coderConn) Receive() (message, error) { return k.in.receive() }

func (k *coderConn) Ping([]byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	return k.c.Ping(ctx)
}

// Close is coder's own handshake, which fails unless the peer's close
// frame came back with the same code.
func (k *coderConn) Close(code int, reason string) error {
	defer k.Abort()
	return k.c.Close(websocket.StatusCode(code), reason)
}

func (k *coderConn) Compressed() bool { return k.compressed }

func (k *coderConn) Abort() {
	k.c.CloseNow()
	k.in.close()
}

// coderDial is coder's client.
func coderDial(url string, offer bool, body func(c wsConn) error) error {
	in := newInbox()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		CompressionMode: coderMode(offer),
		OnPongReceived:  func(_ context.Context, p []byte) { in.pong(p) },
	})
	if err != nil {
		return fmt.Errorf("%w %s: %w", errDial, url, err)
	}
	k := newCoderConn(c, negotiatedDeflate(resp.Header), in)
	defer k.Abort()
	return body(k)
}

// coderHandler is the echo server on coder's Accept, a net/http handler.
func coderHandler(v *verdicts) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accept := r.URL.Query().Get("accept") == "1"
		in := newInbox()
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{
			CompressionMode: coderMode(accept),
			OnPongReceived:  func(_ context.Context, p []byte) { in.pong(p) },
		})
		if err != nil {
			v.put(r.URL.Query().Get("id"), fmt.Errorf("coder accept: %w", err))
			return
		}
		// coder negotiates whenever it may and the client offers.
		serveConn(v, r.URL, newCoderConn(c, accept && negotiatedDeflate(r.Header), in))
	})
}

// startCoder serves coderHandler on net/http's server.
func startCoder(t *testing.T) (string, *verdicts) {
	v := newVerdicts()
	return startNetHTTP(t, coderHandler(v)), v
}

// The two libraries against each other: proof that the cases and the
// adapters are right, before our side is put in either place.

func TestGorillaClientCoderServer(t *testing.T) {
	tp := startTap(t)
	base, v := startCoder(t)
	tp.forward(base)
	runCases(t, tp, v, gorillaDial)
}

func TestCoderClientGorillaServer(t *testing.T) {
	tp := startTap(t)
	base, v := startGorilla(t)
	tp.forward(base)
	runCases(t, tp, v, coderDial)
}
