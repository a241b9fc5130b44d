package nethttp

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
)

// request is what one request allocates: everything here escapes to the
// handler, which may keep it past the request (a logger's goroutine, a
// context handed on), so none of it is reused. The *http.Request is a
// second allocation, since only WithContext can set its context.
type request struct {
	hr      *http.Request
	url     url.URL
	base    baseContext
	body    requestBody
	rw      responseWriter
	cancel  context.CancelCauseFunc
	reactor *reactor.Reactor // the connection's, for a hijacked net.Conn
	gen     uint64
}

// newRequest builds the *http.Request from the parsed head, as net/http's
// server would: the URL parsed from the target (CONNECT's authority form
// as net/http does), the fields with canonical keys except Host, which
// goes to Host, Transfer-Encoding moved to TransferEncoding, and a context
// the loop cancels when the connection fails or the server aborts.
//
// It runs on the loop, since the head lives in the connection's buffer.
// The target, the Host, the remote address and every field value are
// copied into one string, and the header's value slices share one array.
func (x *exchange) newRequest(cx *async.Context) (*request, error) {
	r := x.r
	target, host := r.Target(), r.Host()
	var addrBuf [64]byte
	remote := appendAddr(addrBuf[:0], r.RemoteAddr())
	size, nf := len(target)+len(host)+len(remote), 0
	for _, v := range r.Fields() {
		size += len(v)
		nf++
	}
	var sb strings.Builder
	sb.Grow(size)
	sb.Write(target)
	sb.Write(host)
	sb.Write(remote)
	for _, v := range r.Fields() {
		sb.Write(v)
	}
	s := sb.String()
	rawURL, s := s[:len(target)], s[len(target):]
	hostValue, s := s[:len(host)], s[len(host):]
	remoteAddr, values := s[:len(remote)], s[len(remote):]

	rq := &request{reactor: cx.Reactor(), gen: x.gen}
	method := r.Method()
	if err := parseTarget(&rq.url, method, rawURL); err != nil {
		return nil, err
	}

	h := make(http.Header, nf)
	vals := make([]string, nf)
	i := 0
	for name, v := range r.Fields() {
		value := values[:len(v)]
		values = values[len(v):]
		key := canonicalKey(name)
		if key == "Host" {
			continue // net/http moves it to Request.Host
		}
		if vs := h[key]; vs != nil {
			h[key] = append(vs, value)
		} else {
			vals[i] = value
			h[key] = vals[i : i+1 : i+1]
			i++
		}
	}
	var te []string
	contentLength := r.ContentLength()
	if contentLength < 0 {
		te = []string{"chunked"}
		delete(h, "Transfer-Encoding")
	}
	fixPragmaCacheControl(h)

	rq.base.local = r.LocalAddr()
	ctx, cancel := context.WithCancelCause(&rq.base)
	rq.cancel = cancel
	if rq.url.Host != "" {
		hostValue = rq.url.Host // an absolute-form target names the host
	}
	var body io.ReadCloser = http.NoBody
	if contentLength != 0 {
		rq.body = requestBody{x: x, gen: rq.gen, left: contentLength}
		body = &rq.body
	}
	minor := r.ProtoMinor()
	rq.hr = (&http.Request{
		Method:           method,
		URL:              &rq.url,
		Proto:            r.Proto(),
		ProtoMajor:       1,
		ProtoMinor:       minor,
		Header:           h,
		Body:             body,
		ContentLength:    contentLength,
		TransferEncoding: te,
		Close:            shouldClose(minor, h),
		Host:             hostValue,
		RemoteAddr:       remoteAddr,
		RequestURI:       rawURL,
	}).WithContext(ctx)
	rq.rw = responseWriter{x: x, gen: rq.gen}
	return rq, nil
}

// appendAddr appends a's String to b. A TCP address, the usual one, is
// formatted without allocating; it reads as net.TCPAddr's String does (an
// IPv4 address as such, even held in 16 bytes).
func appendAddr(b []byte, a net.Addr) []byte {
	switch a := a.(type) {
	case nil:
		return b
	case *net.TCPAddr:
		ap := a.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()).AppendTo(b)
	}
	return append(b, a.String()...)
}

// parseTarget parses a request-target into u as net/http's server does
// (url.ParseRequestURI, with CONNECT's authority form read as a host).
// The usual target, a path of plain characters and a query, is split
// without the url package, which would allocate a URL and copy the path;
// TestParseTargetMatchesURL holds the fast path to the url package's
// answer.
func parseTarget(u *url.URL, method, target string) error {
	if method == "CONNECT" && !strings.HasPrefix(target, "/") {
		pu, err := url.ParseRequestURI("http://" + target)
		if err != nil {
			return err
		}
		*u = *pu
		u.Scheme = ""
		return nil
	}
	path, query, hasQuery := strings.Cut(target, "?")
	if plainPath(path) && !strings.Contains(query, "?") {
		u.Path, u.RawQuery = path, query
		u.ForceQuery = hasQuery && query == ""
		return nil
	}
	pu, err := url.ParseRequestURI(target)
	if err != nil {
		return err
	}
	*u = *pu
	return nil
}

// plainPath reports whether p is an absolute path that the url package
// would keep as is: its characters need neither unescaping nor escaping,
// so Path is p and RawPath empty.
func plainPath(p string) bool {
	if len(p) == 0 || p[0] != '/' {
		return false
	}
	for i := 1; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~$&+,/:;=@", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// shouldClose reports whether the client asked to close the connection
// after this request, as Request.Close reports it (RFC 9112 section 9.3).
func shouldClose(minor int, h http.Header) bool {
	conn := h["Connection"]
	if minor == 0 {
		return hasToken(conn, "close") || !hasToken(conn, "keep-alive")
	}
	return hasToken(conn, "close")
}

// hasToken reports whether a comma-separated list in vs holds token,
// compared ignoring case.
func hasToken(vs []string, token string) bool {
	for _, v := range vs {
		for e := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(e), token) {
				return true
			}
		}
	}
	return false
}

// fixPragmaCacheControl treats "Pragma: no-cache" without Cache-Control
// as "Cache-Control: no-cache" (RFC 9111 section 5.4), as net/http does.
func fixPragmaCacheControl(h http.Header) {
	if hp, ok := h["Pragma"]; ok && len(hp) > 0 && hp[0] == "no-cache" {
		if _, ok := h["Cache-Control"]; !ok {
			h["Cache-Control"] = []string{"no-cache"}
		}
	}
}

// canonicalKey returns name in the canonical form of net/http's header
// keys ("content-type" is "Content-Type"). Field names are tokens (the
// parser checked), so every name has one. The usual names come from
// constants; others allocate their string.
func canonicalKey(name []byte) string {
	var buf [64]byte
	if len(name) > len(buf) {
		return http.CanonicalHeaderKey(string(name))
	}
	k := buf[:len(name)]
	upper := true
	for i, c := range name {
		switch {
		case upper && 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		case !upper && 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		k[i] = c
		upper = c == '-'
	}
	if s := commonKey(k); s != "" {
		return s
	}
	return string(k)
}

// commonKey returns the constant for a canonical key that requests often
// carry, or "". A switch on a converted []byte compares without
// allocating.
func commonKey(k []byte) string {
	switch string(k) {
	case "Accept":
		return "Accept"
	case "Accept-Encoding":
		return "Accept-Encoding"
	case "Accept-Language":
		return "Accept-Language"
	case "Authorization":
		return "Authorization"
	case "Cache-Control":
		return "Cache-Control"
	case "Connection":
		return "Connection"
	case "Content-Length":
		return "Content-Length"
	case "Content-Type":
		return "Content-Type"
	case "Cookie":
		return "Cookie"
	case "Expect":
		return "Expect"
	case "Host":
		return "Host"
	case "If-Modified-Since":
		return "If-Modified-Since"
	case "If-None-Match":
		return "If-None-Match"
	case "Origin":
		return "Origin"
	case "Pragma":
		return "Pragma"
	case "Referer":
		return "Referer"
	case "Transfer-Encoding":
		return "Transfer-Encoding"
	case "Upgrade":
		return "Upgrade"
	case "User-Agent":
		return "User-Agent"
	case "X-Forwarded-For":
		return "X-Forwarded-For"
	case "X-Forwarded-Proto":
		return "X-Forwarded-Proto"
	case "X-Real-Ip":
		return "X-Real-Ip"
	case "X-Request-Id":
		return "X-Request-Id"
	}
	return ""
}

// baseContext is the parent of a request's context: it is never done and
// holds the value net/http's server puts in every request's context, the
// local address. Its Done is nil, so the cancellable context made on it
// needs no goroutine to follow it.
type baseContext struct{ local net.Addr }

func (*baseContext) Deadline() (time.Time, bool) { return time.Time{}, false }
func (*baseContext) Done() <-chan struct{}       { return nil }
func (*baseContext) Err() error                  { return nil }

func (c *baseContext) Value(key any) any {
	if key == http.LocalAddrContextKey {
		return c.local
	}
	return nil
}

func (*baseContext) String() string { return "nethttp.request" }
