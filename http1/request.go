package http1

import "bytes"

// targetForm is which of the four forms of RFC 9112 section 3.2 a
// request-target has.
type targetForm uint8

const (
	originForm    targetForm = iota // "/path?query", for most requests
	absoluteForm                    // "http://host/path", to a proxy
	authorityForm                   // "host:port", only for CONNECT
	asteriskForm                    // "*", only for OPTIONS
)

// requestHead is a parsed request head. Its slices point into the buffer
// the head was parsed from and are valid while that buffer is.
//
// Reuse one per connection: reset it before each request. It keeps the
// capacity of its field list, so parsing allocates nothing once the
// connection has seen its largest head.
type requestHead struct {
	headState

	methodAt, targetAt span
	form               targetForm

	hostCount int  // Host field lines
	hostAt    span // the first Host value

	expectContinue bool // Expect: 100-continue, in an HTTP/1.1 request
	expectOther    bool // Expect lists something else (a server may answer 417)

	// keepAlive: the connection persists after this request (RFC 9112
	// section 9.3): HTTP/1.1 unless Connection: close, HTTP/1.0 only
	// with Connection: keep-alive.
	keepAlive bool

	methodChecked int  // bytes of the method checked so far
	methodDone    bool // the SP after the method was seen
}

// reset prepares h for the next request on the connection.
func (h *requestHead) reset() {
	h.headState.reset()
	*h = requestHead{headState: h.headState}
}

// method is the request method, case-sensitive (RFC 9110 section 9.1).
func (h *requestHead) method() []byte { return h.methodAt.in(h.fields.buf) }

// target is the request-target as received.
func (h *requestHead) target() []byte { return h.targetAt.in(h.fields.buf) }

// host is the value of the Host field, if any.
func (h *requestHead) host() []byte { return h.hostAt.in(h.fields.buf) }

// parseRequestHead parses a request head (RFC 9112 sections 2 to 5) from
// buf, which holds the bytes read so far, head first.
//
// It returns n > 0, the length of the head including the CRLF CRLF that
// ends it, once the head is complete; n == 0 and a nil error when more
// bytes are needed; or a *headError whose Status is the answer a server
// sends before it closes the connection. When more bytes are needed, call
// again with the same bytes and more after them (the buffer may have
// moved); each call looks only at what the last one had not seen.
//
// lim nil means defaultLimits. h is a zero requestHead or one reset since
// its last head; it holds the result, and the parse state between calls.
func parseRequestHead(buf []byte, lim *limits, h *requestHead) (n int, err error) {
	return parseHead(buf, lim, h)
}

func (h *requestHead) state() *headState { return &h.headState }

// checkStartPrefix checks the method as far as it has arrived, within
// the start-line limit, so that a peer speaking TLS or garbage to the
// port is answered at once instead of when a line or size limit trips.
func (h *requestHead) checkStartPrefix(b []byte, startLimit int) error {
	end := min(len(b), startLimit)
	for i := h.methodChecked; i < end && !h.methodDone; i++ {
		c := b[i]
		if c == ' ' {
			h.methodDone = true
			break
		}
		if charClass[c]&classToken == 0 {
			return newHeadError(statusBadRequest, "invalid character in method", b[:i+1])
		}
		h.methodChecked = i + 1
	}
	return nil
}

// startLine parses the request line (RFC 9112 section 3):
// method SP request-target SP HTTP-version, single spaces, nothing else.
// The bytes of the method were checked by checkStartPrefix, which parseHead
// runs on every complete start line first.
func (h *requestHead) startLine(line []byte, base int) error {
	sp1 := bytes.IndexByte(line, ' ')
	if sp1 <= 0 {
		return newHeadError(statusBadRequest, "malformed request line", line)
	}
	rest := line[sp1+1:]
	sp2 := bytes.IndexByte(rest, ' ')
	if sp2 < 0 {
		return newHeadError(statusBadRequest, "malformed request line", line)
	}
	target, version := rest[:sp2], rest[sp2+1:]
	if len(target) == 0 || bytes.IndexByte(version, ' ') >= 0 {
		return newHeadError(statusBadRequest, "malformed request line", line)
	}
	method := line[:sp1]
	if string(method) == "PRI" && string(target) == "*" && string(version) == "HTTP/2.0" {
		return newHeadError(statusVersionNotSupported, "HTTP/2 connection preface on an HTTP/1.1 connection", line)
	}
	minor, err := parseVersion(version)
	if err != nil {
		return err
	}
	h.minor = minor
	form, err := checkTarget(method, target)
	if err != nil {
		return err
	}
	h.form = form
	h.methodAt = spanOf(base, base+sp1)
	off := base + sp1 + 1
	h.targetAt = spanOf(off, off+len(target))
	return nil
}

// checkTarget checks the characters of a request-target and that its form
// fits the method (RFC 9112 section 3.2).
func checkTarget(method, target []byte) (targetForm, error) {
	for _, c := range target {
		if charClass[c]&classTarget == 0 {
			return 0, newHeadError(statusBadRequest, "invalid character in request-target", target)
		}
	}
	connect := string(method) == "CONNECT"
	switch {
	case connect:
		// RFC 9112 section 3.2.3: host ":" port, and only that.
		colon := bytes.LastIndexByte(target, ':')
		if colon <= 0 || colon == len(target)-1 || !isHost(target) || !isDigits(target[colon+1:]) {
			return 0, newHeadError(statusBadRequest, "CONNECT needs an authority-form target", target)
		}
		return authorityForm, nil
	case target[0] == '/':
		return originForm, nil
	case len(target) == 1 && target[0] == '*':
		// RFC 9112 section 3.2.4: only for a server-wide OPTIONS.
		if string(method) != "OPTIONS" {
			return 0, newHeadError(statusBadRequest, "asterisk-form target with a method other than OPTIONS", method)
		}
		return asteriskForm, nil
	case hasScheme(target):
		return absoluteForm, nil
	}
	return 0, newHeadError(statusBadRequest, "malformed request-target", target)
}

// hasScheme reports whether b starts with a URI scheme and a colon (RFC
// 3986 section 3.1): ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":".
func hasScheme(b []byte) bool {
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return true
		default:
			return false
		}
	}
	return false
}

func isHost(b []byte) bool {
	for _, c := range b {
		if charClass[c]&classHost == 0 {
			return false
		}
	}
	return true
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// field derives the request-only facts: Host and Expect.
func (h *requestHead) field(name, value []byte) error {
	switch len(name) {
	case len("host"):
		if equalFold(name, "host") {
			// RFC 9112 section 3.2: uri-host [ ":" port ]; it may be
			// empty when the target has no authority.
			if !isHost(value) {
				return newHeadError(statusBadRequest, "invalid Host", value)
			}
			h.hostCount++
			if h.hostCount == 1 {
				h.hostAt = h.fields.list[len(h.fields.list)-1].value
			}
		}
	case len("expect"):
		if equalFold(name, "expect") {
			h.expectField(value)
		}
	}
	return nil
}

// expectField notes 100-continue (RFC 9110 section 10.1.1, compared
// ignoring case) and whether anything else is expected.
func (h *requestHead) expectField(value []byte) {
	for rest := value; len(rest) > 0; {
		var e []byte
		e, rest = nextListElem(rest)
		switch {
		case len(e) == 0:
		case equalFold(e, "100-continue"):
			h.expectContinue = true
		default:
			h.expectOther = true
		}
	}
}

// finish applies the rules about the request head as a whole.
func (h *requestHead) finish() error {
	// RFC 9112 section 3.2: a server MUST answer 400 to an HTTP/1.1
	// request without Host and to any request with more than one.
	if h.hostCount > 1 {
		return newHeadError(statusBadRequest, "more than one Host field", h.host())
	}
	if h.hostCount == 0 && h.minor == 1 {
		return newHeadError(statusBadRequest, "HTTP/1.1 request without Host", h.target())
	}
	if h.hasTE {
		if err := h.checkTransferEncoding(); err != nil {
			return err
		}
	}
	if h.minor == 0 {
		// RFC 9110 section 10.1.1: a server MUST ignore 100-continue in
		// an HTTP/1.0 request.
		h.expectContinue = false
		h.keepAlive = h.connKeepAlive && !h.connClose
	} else {
		h.keepAlive = !h.connClose
	}
	return nil
}

// checkTransferEncoding applies RFC 9112 section 6 to a request with a
// Transfer-Encoding field. Every rule here closes a way to smuggle a
// request past a front end that frames the body differently.
func (h *requestHead) checkTransferEncoding() error {
	switch {
	case h.minor == 0:
		// Section 6.1: Transfer-Encoding in an HTTP/1.0 message means
		// the framing is faulty, even with a Content-Length.
		return newHeadError(statusBadRequest, "Transfer-Encoding in an HTTP/1.0 request", h.teAt.in(h.fields.buf))
	case h.contentLength >= 0:
		// Section 6.1: a server MAY reject a request with both; we do.
		return newHeadError(statusBadRequest, "both Content-Length and Transfer-Encoding", h.teAt.in(h.fields.buf))
	case !h.chunked:
		// Section 6.3 rule 4: chunked not last leaves the length of a
		// request unknowable; the server MUST answer 400.
		return newHeadError(statusBadRequest, "Transfer-Encoding does not end in chunked", h.teAt.in(h.fields.buf))
	case h.otherCoding:
		// Section 6.1: a coding the server does not implement (only
		// chunked is) SHOULD be answered 501.
		return newHeadError(statusNotImplemented, "unsupported transfer coding", h.teAt.in(h.fields.buf))
	}
	return nil
}
