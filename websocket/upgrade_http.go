package websocket

import (
	"fmt"
	"net/http"

	"github.com/asyncgo/async/bridge"
)

// UpgradeHTTP upgrades a net/http request served by package
// http1/nethttp, through its http.Hijacker, and returns the connection.
// A request that is not a valid handshake is answered with a 4xx, and
// UpgradeHTTP returns a *HandshakeError. CheckOrigin is not consulted
// (it takes an http1.Request); an Origin must match the Host.
//
// The connection is the server's socket, handed back from the adapter's
// goroutine to the runtime: its futures run on the executor that serves
// the adapter, and the handler's goroutine uses its Blocking methods
// (ReadMessageBlocking, WriteMessageBlocking, CloseBlocking). Under
// another server (net/http's own), whose connections are not the
// runtime's, UpgradeHTTP fails before answering.
func (u *Upgrader) UpgradeHTTP(w http.ResponseWriter, r *http.Request) (*Conn, error) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil, fmt.Errorf("websocket: UpgradeHTTP: %T is not an http.Hijacker", w)
	}
	req := request{
		method: r.Method,
		minor:  r.ProtoMinor,
		host:   r.Host,
		values: func(name string) []string { return r.Header.Values(name) },
	}
	if r.ProtoMajor != 1 {
		req.minor = 0
	}
	a, herr := u.checkRequest(req, nil)
	if herr != nil {
		if herr.Status == 426 {
			w.Header().Set("Sec-WebSocket-Version", "13")
		}
		http.Error(w, herr.Error(), herr.Status)
		return nil, herr
	}
	setResponse(w.Header().Set, a)
	w.WriteHeader(http.StatusSwitchingProtocols)
	nc, brw, err := hj.Hijack()
	if err != nil {
		return nil, fmt.Errorf("websocket: UpgradeHTTP: hijack: %w", err)
	}
	s, rt, ok := bridge.Unwrap(nc)
	if !ok {
		nc.Close()
		return nil, fmt.Errorf("websocket: UpgradeHTTP needs a connection of the runtime (a server of package http1/nethttp), not a %T", nc)
	}
	buffered, _ := brw.Reader.Peek(brw.Reader.Buffered())
	c := newConn(s, rt.Reactor(), false, &u.Options, &u.sh, buffered)
	c.setProtocol(a.protocol)
	if a.deflate {
		c.negotiated(a.params, c.lim.level)
	}
	return c, nil
}
