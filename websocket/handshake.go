package websocket

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
)

// acceptGUID is the constant the accept key is derived with (RFC 6455
// section 1.3).
const acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// acceptKey is the Sec-WebSocket-Accept value for a Sec-WebSocket-Key.
func acceptKey(key string) string {
	h := sha1.Sum([]byte(key + acceptGUID))
	return base64.StdEncoding.EncodeToString(h[:])
}

// HandshakeError is why an upgrade request was refused: the HTTP status
// the server answered with, and what was wrong with the request. A Dial
// whose server refused fails with one too, with the server's status.
type HandshakeError struct {
	Status int
	Reason string
}

// Error gives the reason and the status.
func (e *HandshakeError) Error() string {
	return fmt.Sprintf("websocket: handshake: %s (status %d)", e.Reason, e.Status)
}

func refuse(status int, format string, args ...any) *HandshakeError {
	return &HandshakeError{Status: status, Reason: fmt.Sprintf(format, args...)}
}

// request is what the server's handshake needs of an upgrade request,
// from http1 or net/http.
type request struct {
	method string
	minor  int // HTTP/1.minor
	host   string
	values func(name string) []string // every line of a field, as sent
}

// accepted is the server's answer to an acceptable request.
type accepted struct {
	accept   string // Sec-WebSocket-Accept
	protocol string
	ext      string // Sec-WebSocket-Extensions
	deflate  bool
	params   deflateParams
}

// checkRequest applies RFC 6455 section 4.2.1 to an upgrade request, and
// picks the subprotocol and extensions. checkOrigin is the Upgrader's
// CheckOrigin bound to the request, or nil.
func (u *Upgrader) checkRequest(r request, checkOrigin func() bool) (accepted, *HandshakeError) {
	var a accepted
	if r.method != "GET" {
		return a, refuse(405, "method %s, not GET", r.method)
	}
	if r.minor < 1 {
		return a, refuse(400, "HTTP/1.%d, not 1.1", r.minor)
	}
	if !hasToken(r.values("Upgrade"), "websocket") {
		return a, refuse(400, "no Upgrade: websocket")
	}
	if !hasToken(r.values("Connection"), "upgrade") {
		return a, refuse(400, "no Connection: upgrade")
	}
	if v := r.values("Sec-WebSocket-Version"); len(v) != 1 || strings.TrimSpace(v[0]) != "13" {
		return a, refuse(426, "Sec-WebSocket-Version %q, not 13", strings.Join(v, ", "))
	}
	keys := r.values("Sec-WebSocket-Key")
	if len(keys) != 1 {
		return a, refuse(400, "%d Sec-WebSocket-Key fields, not 1", len(keys))
	}
	key := strings.TrimSpace(keys[0])
	if raw, err := base64.StdEncoding.DecodeString(key); err != nil || len(raw) != 16 {
		return a, refuse(400, "Sec-WebSocket-Key %q is not 16 bytes in base64", key)
	}
	if !originAllowed(r, checkOrigin) {
		return a, refuse(403, "Origin %q not allowed for host %q", first(r.values("Origin")), r.host)
	}
	a.accept = acceptKey(key)
	a.protocol = pickProtocol(u.Subprotocols, r.values("Sec-WebSocket-Protocol"))
	if u.Compression {
		p, resp, ok, err := acceptDeflate(r.values("Sec-WebSocket-Extensions"))
		if err != nil {
			return a, refuse(400, "%v", err)
		}
		if ok {
			a.deflate, a.params, a.ext = true, p, resp
		}
	}
	return a, nil
}

// originAllowed is checkOrigin, or by default: no Origin (not a
// browser), or an Origin whose host is the request's.
func originAllowed(r request, checkOrigin func() bool) bool {
	if checkOrigin != nil {
		return checkOrigin()
	}
	origins := r.values("Origin")
	if len(origins) == 0 {
		return true
	}
	o, err := url.Parse(origins[0])
	return err == nil && strings.EqualFold(o.Host, r.host)
}

// pickProtocol is the first of ours that the client offers.
func pickProtocol(ours, offered []string) string {
	for _, p := range ours {
		for _, line := range offered {
			for _, q := range strings.Split(line, ",") {
				if strings.TrimSpace(q) == p {
					return p
				}
			}
		}
	}
	return ""
}

// hasToken reports whether a comma-separated field has token, ignoring
// case.
func hasToken(lines []string, token string) bool {
	for _, line := range lines {
		for _, t := range strings.Split(line, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// negotiated sets up a new connection's compression from the agreed
// parameters: each end compresses with its own takeover setting and
// inflates with the peer's.
func (c *Conn) negotiated(p deflateParams, level int) {
	ourNo, peerNo := p.serverNoTakeover, p.clientNoTakeover
	if c.client {
		ourNo, peerNo = peerNo, ourNo
	}
	c.z = &compression{defl: newDeflater(level, !ourNo), infl: newInflater(!peerNo)}
}
