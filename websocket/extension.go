package websocket

import (
	"fmt"
	"strings"
)

// This file negotiates permessage-deflate (RFC 7692) in the
// Sec-WebSocket-Extensions header. The client offers plain
// "permessage-deflate"; the server accepts the first offer it can honour.
// Both ends compress with compress/flate, whose window is always 32 KiB
// (15 bits), and inflate any window up to that. So the server refuses an
// offer that limits the server's window (server_max_window_bits < 15),
// ignores the client_max_window_bits hint (the client then keeps 15), and
// the client accepts any server_max_window_bits the server picks.

// deflateParams are the agreed parameters of permessage-deflate. The
// server compresses without context takeover if serverNoTakeover, the
// client if clientNoTakeover; each end's inflater follows the other end's
// flag.
type deflateParams struct {
	serverNoTakeover, clientNoTakeover bool // server_no_context_takeover, client_no_context_takeover
}

// The names RFC 7692 defines.
const (
	deflateName      = "permessage-deflate"
	serverNoTakeover = "server_no_context_takeover"
	clientNoTakeover = "client_no_context_takeover"
	serverMaxBits    = "server_max_window_bits"
	clientMaxBits    = "client_max_window_bits"
)

// deflateOffer returns the client's offer. It asks for no
// client_max_window_bits: compress/flate cannot make its window smaller,
// so the client could not honour a limit the server chose.
func deflateOffer() string { return deflateName }

// acceptDeflate is the server's side: given the request's
// Sec-WebSocket-Extensions values (one string per header line), it picks
// the first permessage-deflate offer it can honour and returns its params
// and the response header value. ok is false if there is none: the
// connection then runs without compression. err is non-nil only for a
// header that does not parse.
func acceptDeflate(offers []string) (p deflateParams, response string, ok bool, err error) {
	var exts []extension
	for _, h := range offers {
		if exts, err = parseExtensions(h, exts); err != nil {
			return deflateParams{}, "", false, err
		}
	}
	for _, e := range exts {
		if !strings.EqualFold(e.name, deflateName) {
			continue
		}
		o, err := readDeflateParams(e.params)
		// RFC 7692 5: decline an offer with an unknown, repeated or
		// invalid parameter. An offer that limits the server's window
		// cannot be honoured, since compress/flate's is always 15 bits.
		if err != nil || o.serverBits > 0 && o.serverBits < 15 {
			continue
		}
		p := deflateParams{serverNoTakeover: o.serverNoTakeover, clientNoTakeover: o.clientNoTakeover}
		return p, p.response(), true, nil
	}
	return deflateParams{}, "", false, nil
}

// response is the server's Sec-WebSocket-Extensions value accepting p.
func (p deflateParams) response() string {
	s := deflateName
	if p.serverNoTakeover {
		s += "; " + serverNoTakeover
	}
	if p.clientNoTakeover {
		s += "; " + clientNoTakeover
	}
	return s
}

// acceptDeflateResponse is the client's side: it checks the server's
// Sec-WebSocket-Extensions values (one string per header line) against
// the offer of deflateOffer. ok is false if the server accepted no
// extension. err is non-nil for a response RFC 6455 4.1 or RFC 7692 says
// fails the connection: an extension that was not offered, permessage-
// deflate twice, an unknown, repeated or invalid parameter, or
// client_max_window_bits, which the client did not offer.
func acceptDeflateResponse(values []string) (p deflateParams, ok bool, err error) {
	var exts []extension
	for _, h := range values {
		if exts, err = parseExtensions(h, exts); err != nil {
			return deflateParams{}, false, err
		}
	}
	bad := func(format string, args ...any) error {
		return extensionError(strings.Join(values, ", "), fmt.Sprintf(format, args...))
	}
	for i, e := range exts {
		if !strings.EqualFold(e.name, deflateName) {
			return deflateParams{}, false, bad("extension %s was not offered", e.name)
		}
		if i > 0 {
			return deflateParams{}, false, bad("%s accepted twice", deflateName)
		}
		o, err := readDeflateParams(e.params)
		if err != nil {
			return deflateParams{}, false, bad("%v", err)
		}
		if o.clientBits != 0 {
			return deflateParams{}, false, bad("%s was not offered", clientMaxBits)
		}
		// Any server_max_window_bits (8 to 15) is fine: the inflater
		// takes any window up to 15 bits.
		p = deflateParams{serverNoTakeover: o.serverNoTakeover, clientNoTakeover: o.clientNoTakeover}
		ok = true
	}
	return p, ok, nil
}

// deflateOptions are the parameters of one permessage-deflate element.
type deflateOptions struct {
	serverNoTakeover, clientNoTakeover bool
	// serverBits and clientBits are the max_window_bits values: 0 if
	// absent, -1 if present without a value (allowed only for
	// client_max_window_bits in an offer).
	serverBits, clientBits int
}

// readDeflateParams reads the parameters of a permessage-deflate element;
// it fails for an unknown or repeated parameter and for an invalid value
// (RFC 7692 7.1).
func readDeflateParams(params []extensionParam) (deflateOptions, error) {
	var o deflateOptions
	seen := map[string]bool{}
	for _, q := range params {
		name := strings.ToLower(q.name)
		if seen[name] {
			return o, fmt.Errorf("parameter %s repeated", name)
		}
		seen[name] = true
		switch name {
		case serverNoTakeover, clientNoTakeover:
			if q.hasValue {
				return o, fmt.Errorf("%s has a value (%q)", name, q.value)
			}
			if name == serverNoTakeover {
				o.serverNoTakeover = true
			} else {
				o.clientNoTakeover = true
			}
		case serverMaxBits, clientMaxBits:
			bits := -1
			if q.hasValue {
				bits = windowBits(q.value)
				if bits == 0 {
					return o, fmt.Errorf("%s=%q is not a number from 8 to 15", name, q.value)
				}
			} else if name == serverMaxBits {
				return o, fmt.Errorf("%s has no value", name)
			}
			if name == serverMaxBits {
				o.serverBits = bits
			} else {
				o.clientBits = bits
			}
		default:
			return o, fmt.Errorf("unknown parameter %s", q.name)
		}
	}
	return o, nil
}

// windowBits returns the value of a max_window_bits parameter, a decimal
// number from 8 to 15 without leading zeros, or 0 if v is not one.
func windowBits(v string) int {
	switch {
	case len(v) == 1 && v[0] >= '8' && v[0] <= '9':
		return int(v[0] - '0')
	case len(v) == 2 && v[0] == '1' && v[1] >= '0' && v[1] <= '5':
		return 10 + int(v[1]-'0')
	}
	return 0
}

// extension is one element of a Sec-WebSocket-Extensions list.
type extension struct {
	name   string
	params []extensionParam
}

// extensionParam is one parameter of an extension; a quoted value is
// unquoted.
type extensionParam struct {
	name, value string
	hasValue    bool
}

// parseExtensions appends the extensions of one Sec-WebSocket-Extensions
// header line h to list. The grammar is RFC 6455 9.1:
//
//	extension-list  = 1#extension
//	extension       = token *( ";" extension-param )
//	extension-param = token [ "=" (token | quoted-string) ]
//
// with optional whitespace around the separators, and empty list elements
// ignored (RFC 9110 5.6.1). A quoted value must be a token once unquoted.
func parseExtensions(h string, list []extension) ([]extension, error) {
	p := extParser{s: h}
	for {
		p.space()
		if p.done() {
			return list, nil
		}
		if p.next(',') {
			continue // an empty element
		}
		name, err := p.token("an extension name")
		if err != nil {
			return list, err
		}
		e := extension{name: name}
		for p.space(); p.next(';'); p.space() {
			q, err := p.param()
			if err != nil {
				return list, err
			}
			e.params = append(e.params, q)
		}
		if !p.done() && !p.next(',') {
			return list, p.fail(fmt.Sprintf("unexpected %q at offset %d", p.s[p.i], p.i))
		}
		list = append(list, e)
	}
}

// extParser reads a Sec-WebSocket-Extensions line from left to right.
type extParser struct {
	s string
	i int
}

func (p *extParser) done() bool { return p.i == len(p.s) }

// next consumes c if it comes next.
func (p *extParser) next(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// space skips optional whitespace (OWS: spaces and tabs).
func (p *extParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// token reads a token; what names the token for the error.
func (p *extParser) token(what string) (string, error) {
	start := p.i
	for p.i < len(p.s) && isTokenByte(p.s[p.i]) {
		p.i++
	}
	if p.i == start {
		if p.done() {
			return "", p.fail("missing " + what + " at the end")
		}
		return "", p.fail(fmt.Sprintf("%q at offset %d where %s should be", p.s[p.i], p.i, what))
	}
	return p.s[start:p.i], nil
}

// param reads a parameter after its ";".
func (p *extParser) param() (extensionParam, error) {
	p.space()
	name, err := p.token("a parameter name")
	if err != nil {
		return extensionParam{}, err
	}
	q := extensionParam{name: name}
	p.space()
	if !p.next('=') {
		return q, nil
	}
	p.space()
	q.hasValue = true
	if p.i < len(p.s) && p.s[p.i] == '"' {
		q.value, err = p.quoted()
	} else {
		q.value, err = p.token("the value of " + name)
	}
	return q, err
}

// quoted reads a quoted-string whose content, unescaped, is a token.
func (p *extParser) quoted() (string, error) {
	start := p.i
	p.i++ // the opening quote
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		switch {
		case c == '"':
			if v := b.String(); v == "" || strings.IndexFunc(v, notTokenRune) >= 0 {
				return "", p.fail(fmt.Sprintf("quoted value %s is not a token", p.s[start:p.i]))
			}
			return b.String(), nil
		case c == '\\' && p.i < len(p.s):
			b.WriteByte(p.s[p.i])
			p.i++
		default:
			b.WriteByte(c)
		}
	}
	return "", p.fail(fmt.Sprintf("quoted value at offset %d is not closed", start))
}

func (p *extParser) fail(what string) error { return extensionError(p.s, what) }

// extensionError names the header value and what is wrong with it.
func extensionError(h, what string) error {
	return fmt.Errorf("websocket: bad Sec-WebSocket-Extensions %q: %s", h, what)
}

// isTokenByte reports whether c may be part of a token (RFC 9110 5.6.2).
func isTokenByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func notTokenRune(r rune) bool { return r >= 0x80 || !isTokenByte(byte(r)) }
