package http1

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
)

// ClientRequest is a request for the Client to send.
//
// The Client sends Host (from the URL, unless Header sets one) and the
// framing of the body (Content-Length or Transfer-Encoding: chunked) itself;
// Header must not hold Content-Length or Transfer-Encoding. A Header with
// "Connection: close" is honoured: the connection is closed after the
// response. The Client does not change a request it is given: a redirect
// is a new ClientRequest.
type ClientRequest struct {
	Method string
	URL    *url.URL // an http URL; see Client for https
	Header Header

	// Body is read, and sent, while the request is written; nil means no
	// body. The Client reads it from the task that awaits Do.
	Body aio.Reader

	// ContentLength is the length of Body: the request says so in
	// Content-Length, and exactly that many bytes of Body are sent (a Body
	// that ends sooner fails the request). -1 means unknown: the body is
	// sent chunked, until Body's io.EOF. With a non-nil Body, 0 also means
	// unknown, as in net/http, so a request built by hand never drops its
	// body; a request without a body has a nil Body.
	ContentLength int64

	// GetBody returns a new reader of the same body, or nil. The Client
	// calls it when it must send the body again: to follow a 307 or 308
	// redirect, or to retry on a new connection a request whose pooled
	// connection turned out closed. NewRequest sets it for the bodies of
	// BytesBody and StringBody.
	GetBody func() (aio.Reader, error)
}

// NewRequest returns a request of method for rawURL with body, which may
// be nil. A body made by BytesBody or StringBody has a known length and
// can be read again (GetBody); any other is sent chunked.
func NewRequest(method, rawURL string, body aio.Reader) (*ClientRequest, error) {
	if method == "" {
		method = "GET"
	}
	if !isTokenString(method) {
		return nil, fmt.Errorf("http1: invalid method %q", method)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("http1: %s %s: %w", method, rawURL, err)
	}
	req := &ClientRequest{Method: method, URL: u, Body: body}
	switch b := body.(type) {
	case nil:
	case *bytesBody:
		if len(b.b) == 0 {
			req.Body = nil
			break
		}
		req.ContentLength = int64(len(b.b))
		snapshot := b.b
		req.GetBody = func() (aio.Reader, error) { return BytesBody(snapshot), nil }
	default:
		req.ContentLength = -1
	}
	return req, nil
}

// BytesBody returns a request body that reads b. NewRequest knows its
// length and how to read it again; b must not change until the request
// is done.
func BytesBody(b []byte) aio.Reader {
	bb := &bytesBody{b: b}
	bb.rd.b = bb
	return bb
}

// StringBody returns a request body that reads s; see BytesBody.
func StringBody(s string) aio.Reader { return BytesBody([]byte(s)) }

// bytesBody is the aio.Reader of BytesBody.
type bytesBody struct {
	b  []byte
	rd bytesRead
}

func (b *bytesBody) Read(p []byte) async.Future[async.Result[int]] {
	b.rd.p = p
	return &b.rd
}

type bytesRead struct {
	b *bytesBody
	p []byte
}

// Poll copies what it can: it never waits, so it takes a unit of the
// task's budget.
func (f *bytesRead) Poll(cx *async.Context) (async.Result[int], bool) {
	if !cx.Proceed() {
		return bodyGiveWay[async.Result[int]](cx)
	}
	b := f.b
	if len(b.b) == 0 {
		return async.Err[int](io.EOF), true
	}
	n := copy(f.p, b.b)
	b.b = b.b[n:]
	f.p = nil
	return async.Ok(n), true
}

func (f *bytesRead) Cancel() { f.p = nil }

// target is what the Client takes from a request's URL: where to
// connect, the Host field, and the request-target of the request line.
type clientTarget struct {
	addr string // host:port to connect to, lower case
	host string // the Host field
	path string // the request-target, in origin-form (RFC 9112 section 3.2.1)
}

// errHTTPS says why an https URL is refused, and what to do instead.
var errHTTPS = errors.New("HTTPS is out of scope for this client; for now, wrap a tcp.Conn " +
	"with bridge.NetConn and crypto/tls's tls.Client, and speak HTTP over that from a goroutine")

// targetOf checks req and works out its target.
func targetOf(req *ClientRequest) (clientTarget, error) {
	var t clientTarget
	if req.URL == nil {
		return t, errors.New("no URL")
	}
	if !isTokenString(req.Method) {
		return t, fmt.Errorf("invalid method %q", req.Method)
	}
	if req.Method == "CONNECT" {
		return t, errors.New("CONNECT is not supported: the client does not make tunnels")
	}
	u := req.URL
	switch strings.ToLower(u.Scheme) {
	case "http":
	case "https":
		return t, errHTTPS
	case "":
		return t, fmt.Errorf("URL %q has no scheme: it must start with http://", u.String())
	default:
		return t, fmt.Errorf("unsupported protocol scheme %q: only http is", u.Scheme)
	}
	if u.Host == "" {
		return t, errors.New("URL has no host")
	}
	port := u.Port()
	if port == "" {
		port = "80"
	} else if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return t, fmt.Errorf("invalid port %q", port)
	}
	t.addr = strings.ToLower(net.JoinHostPort(u.Hostname(), port))
	t.host = u.Host
	if h, ok := req.Header.Lookup("Host"); ok {
		t.host = h
	}
	t.path = u.RequestURI()
	if t.path == "" || t.path[0] != '/' && t.path != "*" {
		// An opaque URL ("http:foo") has no origin-form.
		return t, fmt.Errorf("URL %q has no path to request", u.String())
	}
	if !validValueString(t.host) || !validTarget(t.path) {
		return t, errors.New("URL holds characters a request line cannot")
	}
	if err := checkRequestHeader(&req.Header); err != nil {
		return t, err
	}
	return t, nil
}

// validTarget reports whether a request-target holds no whitespace or
// control character, which would end the request line early.
func validTarget(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return false
		}
	}
	return true
}

// checkRequestHeader checks the fields a caller set: each valid, and
// none of the fields that frame the message, which the Client writes.
func checkRequestHeader(h *Header) error {
	if err := h.check(); err != nil {
		return err
	}
	for _, name := range [...]string{"Content-Length", "Transfer-Encoding"} {
		if _, ok := h.Lookup(name); ok {
			return fmt.Errorf("header field %s is set: the client frames the body itself (set ContentLength instead)", name)
		}
	}
	return nil
}

// sendFraming is how the body of req is framed: -1 for none, -2 for
// chunked, else the Content-Length.
func sendFraming(req *ClientRequest) int64 {
	switch {
	case req.Body == nil:
		return -1
	case req.ContentLength > 0:
		return req.ContentLength
	}
	return -2
}

// methodWantsLength reports whether a request of method without a body
// should say Content-Length: 0 (RFC 9110 section 8.6: a user agent
// should, for a method whose requests usually carry one).
func methodWantsLength(method string) bool {
	return method == "POST" || method == "PUT" || method == "PATCH"
}

// appendRequestHead appends the head of req, whose target is t and whose
// body framing is length (see sendFraming), to b. closeConn adds
// Connection: close, for a connection that is not kept.
func appendRequestHead(b []byte, req *ClientRequest, t *clientTarget, length int64, closeConn bool) []byte {
	b = append(b, req.Method...)
	b = append(b, ' ')
	b = append(b, t.path...)
	b = append(b, " HTTP/1.1\r\n"...)
	if _, ok := req.Header.Lookup("Host"); !ok {
		b = append(b, "Host: "...)
		b = append(b, t.host...)
		b = append(b, "\r\n"...)
	}
	b = req.Header.appendTo(b)
	switch {
	case length >= 0:
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, length, 10)
		b = append(b, "\r\n"...)
	case length == -2:
		b = append(b, "Transfer-Encoding: chunked\r\n"...)
	case methodWantsLength(req.Method):
		b = append(b, "Content-Length: 0\r\n"...)
	}
	if closeConn {
		b = append(b, "Connection: close\r\n"...)
	}
	return append(b, "\r\n"...)
}

// wantsClose reports whether the request's own Connection field asks for
// the connection to be closed after it.
func wantsClose(h *Header) bool {
	for _, v := range h.Values("Connection") {
		for rest := []byte(v); len(rest) > 0; {
			var opt []byte
			opt, rest = nextListElem(rest)
			if equalFold(opt, "close") {
				return true
			}
		}
	}
	return false
}

// isIdempotent reports whether a request of method may be sent twice
// with the effect of once (RFC 9110 section 9.2.2).
func isIdempotent(method string) bool {
	switch method {
	case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE":
		return true
	}
	return false
}
