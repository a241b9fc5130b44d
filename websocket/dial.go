package websocket

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/http1"
)

// Dialer opens WebSocket connections as a client, over an http1.Client.
// Its zero value dials with the default Options. One Dialer may dial any
// number of connections at once, and lends them the buffers they read
// and write with.
type Dialer struct {
	Options

	// Header holds fields to send with the handshake: Origin,
	// Authorization, Cookie. The handshake's own fields are set by Dial.
	Header http1.Header

	// Client sends the handshake; nil means a Client of the Dialer's own.
	// Its ConnectTimeout bounds the connect, and its Timeout (if set) the
	// handshake.
	Client *http1.Client

	sh     shared
	client http1.Client
}

// Dial opens a WebSocket connection to url (ws://host[:port]/path) with
// a zero Dialer.
func Dial(url string) async.Future[async.Result[*Conn]] {
	return new(Dialer).Dial(url)
}

// Dial returns a future that opens a WebSocket connection to rawURL
// (ws://host[:port]/path?query; wss is not supported, as http1's Client
// has no TLS) and is ready with it once the server accepted the
// handshake. A server that refuses fails it with a *HandshakeError with
// its status; errors say which URL failed.
func (d *Dialer) Dial(rawURL string) async.Future[async.Result[*Conn]] {
	f := &dialFuture{d: d, url: rawURL}
	f.req, f.key, f.err = d.request(rawURL)
	return f
}

type dialFuture struct {
	d   *Dialer
	url string
	req *http1.ClientRequest
	key string
	err error
	do  async.Future[async.Result[*http1.Response]]
}

// request builds the handshake request.
func (d *Dialer) request(rawURL string) (*http1.ClientRequest, string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, "", fmt.Errorf("websocket: dial %s: %w", rawURL, err)
	}
	switch u.Scheme {
	case "ws":
		u.Scheme = "http"
	case "wss":
		return nil, "", fmt.Errorf("websocket: dial %s: wss needs TLS, which http1's Client does not have", rawURL)
	default:
		return nil, "", fmt.Errorf("websocket: dial %s: scheme %q, not ws", rawURL, u.Scheme)
	}
	req, err := http1.NewRequest("GET", u.String(), nil)
	if err != nil {
		return nil, "", fmt.Errorf("websocket: dial %s: %w", rawURL, err)
	}
	for name, value := range d.Header.All() {
		req.Header.Add(name, value)
	}
	var raw [16]byte
	rand.Read(raw[:])
	key := base64.StdEncoding.EncodeToString(raw[:])
	h := &req.Header
	h.Set("Upgrade", "websocket")
	h.Set("Connection", "Upgrade")
	h.Set("Sec-WebSocket-Key", key)
	h.Set("Sec-WebSocket-Version", "13")
	if len(d.Subprotocols) > 0 {
		h.Set("Sec-WebSocket-Protocol", strings.Join(d.Subprotocols, ", "))
	}
	if d.Compression {
		h.Set("Sec-WebSocket-Extensions", deflateOffer())
	}
	return req, key, nil
}

func (f *dialFuture) Poll(cx *async.Context) (async.Result[*Conn], bool) {
	if f.err != nil {
		return async.Err[*Conn](f.err), true
	}
	d := f.d
	if f.do == nil {
		cl := d.Client
		if cl == nil {
			cl = &d.client
		}
		f.do = cl.Do(f.req)
	}
	r, ok := f.do.Poll(cx)
	if !ok {
		return async.Result[*Conn]{}, false
	}
	f.do = nil
	if r.Err != nil {
		return async.Err[*Conn](fmt.Errorf("websocket: dial %s: %w", f.url, r.Err)), true
	}
	c, err := f.connect(cx, r.Value)
	if err != nil {
		return async.Err[*Conn](fmt.Errorf("websocket: dial %s: %w", f.url, err)), true
	}
	return async.Ok(c), true
}

// connect checks the server's answer (RFC 6455 section 4.1) and takes
// the connection.
func (f *dialFuture) connect(cx *async.Context, resp *http1.Response) (*Conn, error) {
	d := f.d
	h := &resp.Header
	fail := func(err error) (*Conn, error) {
		resp.Body.Close()
		return nil, err
	}
	if resp.StatusCode != 101 {
		return fail(&HandshakeError{Status: resp.StatusCode, Reason: "server answered " + fmt.Sprint(resp.StatusCode, " ", resp.Reason)})
	}
	if !hasToken(h.Values("Upgrade"), "websocket") || !hasToken(h.Values("Connection"), "upgrade") {
		return fail(refuse(101, "answer without Upgrade: websocket and Connection: upgrade"))
	}
	if got := h.Get("Sec-WebSocket-Accept"); got != acceptKey(f.key) {
		return fail(refuse(101, "Sec-WebSocket-Accept %q does not match the key", got))
	}
	proto := h.Get("Sec-WebSocket-Protocol")
	if proto != "" && !slices.Contains(d.Subprotocols, proto) {
		return fail(refuse(101, "server chose subprotocol %q, which was not offered", proto))
	}
	var params deflateParams
	deflate := false
	if ext := h.Values("Sec-WebSocket-Extensions"); len(ext) > 0 {
		if !d.Compression {
			return fail(refuse(101, "server chose extensions %q, which were not offered", strings.Join(ext, ", ")))
		}
		p, ok, err := acceptDeflateResponse(ext)
		if err != nil {
			return fail(refuse(101, "%v", err))
		}
		params, deflate = p, ok
	}
	hj, err := resp.Hijack()
	if err != nil {
		return nil, err
	}
	c := newConn(hj.Conn, cx.Reactor(), true, &d.Options, &d.sh, hj.Buffered)
	c.setProtocol(proto)
	if deflate {
		c.negotiated(params, c.lim.level)
	}
	return c, nil
}

func (f *dialFuture) Cancel() {
	if f.do != nil {
		f.do.Cancel()
		f.do = nil
	}
}
