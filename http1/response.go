package http1

import "bytes"

// responseHead is a parsed response head, for the client. Like
// requestHead, its slices point into the buffer it was parsed from, and
// one is reused per connection with reset.
type responseHead struct {
	headState

	status   int  // the three-digit status code
	reasonAt span // the reason phrase, which a client ignores
}

// reset prepares h for the next response on the connection.
func (h *responseHead) reset() {
	h.headState.reset()
	*h = responseHead{headState: h.headState}
}

// reason is the reason phrase.
func (h *responseHead) reason() []byte { return h.reasonAt.in(h.fields.buf) }

// parseResponseHead parses a response head (RFC 9112 sections 2, 4 and
// 5) from buf, with the contract of parseRequestHead. The limits are the
// same: startLine applies to the status line. A rejected head's Status
// names the class of fault (400 malformed, 505 version, 431 too large);
// a client reports it and closes the connection.
func parseResponseHead(buf []byte, lim *limits, h *responseHead) (n int, err error) {
	return parseHead(buf, lim, h)
}

func (h *responseHead) state() *headState { return &h.headState }

// checkStartPrefix has nothing to check early: the client chose the peer,
// and a status line is judged when it is complete.
func (h *responseHead) checkStartPrefix([]byte, int) error { return nil }

// startLine parses the status line (RFC 9112 section 4):
// HTTP-version SP status-code SP [ reason-phrase ]. A missing SP after the
// status code is accepted: servers that send no reason often drop it, and
// it cannot change how the message is framed.
func (h *responseHead) startLine(line []byte, base int) error {
	sp := bytes.IndexByte(line, ' ')
	if sp < 0 {
		return newHeadError(statusBadRequest, "malformed status line", line)
	}
	minor, err := parseVersion(line[:sp])
	if err != nil {
		return err
	}
	h.minor = minor
	rest := line[sp+1:]
	if len(rest) < 3 || len(rest) > 3 && rest[3] != ' ' || !isDigits(rest[:3]) {
		return newHeadError(statusBadRequest, "malformed status code in", line)
	}
	code := int(rest[0]-'0')*100 + int(rest[1]-'0')*10 + int(rest[2]-'0')
	if code < 100 || code > 599 {
		// RFC 9110 section 15: values outside 100..599 are invalid.
		return newHeadError(statusBadRequest, "invalid status code", rest[:3])
	}
	h.status = code
	if len(rest) > 4 {
		reason := rest[4:]
		for _, c := range reason {
			if charClass[c]&classValue == 0 {
				return newHeadError(statusBadRequest, "invalid character in reason phrase", reason)
			}
		}
		off := base + sp + 1 + 4
		h.reasonAt = spanOf(off, off+len(reason))
	}
	return nil
}

// field has no response-only fields to derive.
func (h *responseHead) field(name, value []byte) error { return nil }

// finish applies the rules about the response head as a whole.
func (h *responseHead) finish() error {
	if !h.hasTE {
		return nil
	}
	te := h.teAt.in(h.fields.buf)
	if h.minor == 0 {
		// RFC 9112 section 6.1: the framing of an HTTP/1.0 message with
		// Transfer-Encoding is faulty.
		return newHeadError(statusBadRequest, "Transfer-Encoding in an HTTP/1.0 response", te)
	}
	if h.contentLength >= 0 {
		// RFC 9112 section 6.3 rule 3: Transfer-Encoding would override
		// Content-Length, but the pair "ought to be handled as an error":
		// it is how responses are split.
		return newHeadError(statusBadRequest, "both Content-Length and Transfer-Encoding", te)
	}
	return nil
}

// framing is how the end of a message body is found (RFC 9112
// section 6.3).
type framing uint8

const (
	framingNone    framing = iota // no body
	framingLength                 // Content-Length bytes
	framingChunked                // the chunked transfer coding
	framingClose                  // everything until the server closes
	framingTunnel                 // no body: the connection becomes a tunnel
)

// responseFraming is how the body of a response with head h to a request
// with method is framed, by the rules of RFC 9112 section 6.3 in order:
// no body for HEAD, 1xx, 204 and 304; a tunnel after a 2xx to CONNECT;
// chunked if it is the last transfer coding, else (another coding last)
// until close; Content-Length; else until close.
func responseFraming(method []byte, h *responseHead) framing {
	switch {
	case string(method) == "HEAD", h.status < 200, h.status == 204, h.status == 304:
		return framingNone
	case string(method) == "CONNECT" && h.status < 300:
		return framingTunnel
	case h.hasTE && h.chunked:
		return framingChunked
	case h.hasTE:
		return framingClose
	case h.contentLength >= 0:
		return framingLength
	}
	return framingClose
}

// responseKeepAlive reports whether the connection persists after the
// response (RFC 9112 section 9.3): not after a close-delimited body, a
// tunnel or a 101 (the connection speaks another protocol after it), not
// with Connection: close, and for HTTP/1.0 only with Connection:
// keep-alive.
func responseKeepAlive(method []byte, h *responseHead) bool {
	switch responseFraming(method, h) {
	case framingClose, framingTunnel:
		return false
	}
	if h.status == 101 {
		return false
	}
	if h.connClose {
		return false
	}
	return h.minor == 1 || h.connKeepAlive
}
