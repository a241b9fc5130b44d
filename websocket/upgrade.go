package websocket

import (
	"bytes"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/http1"
)

// Upgrader turns HTTP/1.1 requests into WebSocket connections on a
// server. Its zero value accepts requests with the default Options; one
// Upgrader serves any number of requests at once, and lends its
// connections the buffers they read and write with, so an idle
// connection holds none.
type Upgrader struct {
	Options

	// CheckOrigin reports whether a request with an Origin field (a
	// browser's) may connect. nil allows a request without Origin, or
	// whose Origin's host is the request's Host, so that a page of
	// another site cannot open a connection with the user's cookies.
	CheckOrigin func(r *http1.Request) bool

	sh shared
}

// IsUpgrade reports whether r asks for a WebSocket (Upgrade: websocket).
func IsUpgrade(r *http1.Request) bool {
	return hasToken(fieldValues(r, "Upgrade"), "websocket")
}

// Upgrade returns a future that answers r with 101 Switching Protocols
// and is ready with the connection. A request that is not a valid
// WebSocket handshake (RFC 6455 section 4.2.1) is answered with a 4xx
// that says what is wrong, and the future is ready with a
// *HandshakeError. Call it from the request's handler, before writing
// anything else; the connection outlives the handler's future.
func (u *Upgrader) Upgrade(w *http1.ResponseWriter, r *http1.Request) async.Future[async.Result[*Conn]] {
	return &upgradeFuture{u: u, w: w, r: r}
}

type upgradeFuture struct {
	u    *Upgrader
	w    *http1.ResponseWriter
	r    *http1.Request
	a    accepted
	err  *HandshakeError
	send async.Future[struct{}]
	hj   async.Future[async.Result[http1.Hijacked]]
}

func (f *upgradeFuture) Poll(cx *async.Context) (async.Result[*Conn], bool) {
	if f.send == nil && f.hj == nil {
		f.start()
	}
	if f.send != nil {
		if _, ok := f.send.Poll(cx); !ok {
			return async.Result[*Conn]{}, false
		}
		f.send = nil
		return async.Err[*Conn](f.err), true
	}
	r, ok := f.hj.Poll(cx)
	if !ok {
		return async.Result[*Conn]{}, false
	}
	f.hj = nil
	if r.Err != nil {
		return async.Err[*Conn](r.Err), true
	}
	u := f.u
	c := newConn(r.Value.Conn, cx.Reactor(), false, &u.Options, &u.sh, r.Value.Buffered)
	c.setProtocol(f.a.protocol)
	if f.a.deflate {
		c.negotiated(f.a.params, c.lim.level)
	}
	return async.Ok(c), true
}

// start checks the request and begins the answer: a refusal, or the 101
// and the hijack of the connection.
func (f *upgradeFuture) start() {
	u, w, r := f.u, f.w, f.r
	var origin func() bool
	if u.CheckOrigin != nil {
		origin = func() bool { return u.CheckOrigin(r) }
	}
	req := request{
		method: r.Method(),
		minor:  r.ProtoMinor(),
		host:   string(r.Host()),
		values: func(name string) []string { return fieldValues(r, name) },
	}
	f.a, f.err = u.checkRequest(req, origin)
	h := w.Header()
	if f.err != nil {
		if f.err.Status == 426 {
			h.Set("Sec-WebSocket-Version", "13")
		}
		h.Set("Content-Type", "text/plain; charset=utf-8")
		f.send = w.Send(f.err.Status, []byte(f.err.Error()+"\n"))
		return
	}
	setResponse(h.Set, f.a)
	w.WriteHeader(101)
	f.hj = w.Hijack()
}

// setResponse sets the fields of a 101 answer.
func setResponse(set func(name, value string), a accepted) {
	set("Upgrade", "websocket")
	set("Connection", "Upgrade")
	set("Sec-WebSocket-Accept", a.accept)
	if a.protocol != "" {
		set("Sec-WebSocket-Protocol", a.protocol)
	}
	if a.ext != "" {
		set("Sec-WebSocket-Extensions", a.ext)
	}
}

func (f *upgradeFuture) Cancel() {
	if f.send != nil {
		f.send.Cancel()
	}
	if f.hj != nil {
		f.hj.Cancel()
	}
}

// fieldValues returns the values of every line of a request's field.
func fieldValues(r *http1.Request, name string) []string {
	var v []string
	for n, value := range r.Fields() {
		if len(n) == len(name) && bytes.EqualFold(n, []byte(name)) {
			v = append(v, string(value))
		}
	}
	return v
}

// Handler returns an http1.Handler that upgrades every request, as
// Upgrade does, and serves each connection with the future serve
// returns; a request that is not a valid handshake is refused with its
// 4xx. Once upgraded it lets go of the request, so a connection costs
// only what serve's future holds: the leanest way to serve many
// connections (a coroutine holds a goroutine's stack; a state-machine
// future holds its fields).
func (u *Upgrader) Handler(serve func(c *Conn) async.Future[struct{}]) http1.Handler {
	return http1.HandlerFunc(func(w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
		return &serveFuture{up: u.Upgrade(w, r), serve: serve}
	})
}

// serveFuture upgrades, then polls the connection's session.
type serveFuture struct {
	up      async.Future[async.Result[*Conn]]
	serve   func(c *Conn) async.Future[struct{}]
	session async.Future[struct{}]
}

func (f *serveFuture) Poll(cx *async.Context) (struct{}, bool) {
	if f.session == nil {
		r, ok := f.up.Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		f.up = nil
		if r.Err != nil {
			return struct{}{}, true
		}
		f.session = f.serve(r.Value)
	}
	return f.session.Poll(cx)
}

func (f *serveFuture) Cancel() {
	if f.up != nil {
		f.up.Cancel()
	}
	if f.session != nil {
		f.session.Cancel()
	}
}
