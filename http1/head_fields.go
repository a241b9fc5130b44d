package http1

// This file parses field lines (RFC 9112 section 5) and derives from them
// the framing facts that requests and responses share: Content-Length,
// Transfer-Encoding and Connection.

import (
	"bytes"
	"math"
)

// parseField parses one field line (RFC 9112 section 5), appends it and
// derives the framing facts from it. base is the offset of line in the
// buffer.
func (s *headState) parseField(line []byte, base int, lim *limits) (name, value []byte, err error) {
	if line[0] == ' ' || line[0] == '\t' {
		// RFC 9112 section 5.2: obs-fold is rejected with 400; section 2.2:
		// so is whitespace between the start line and the first field.
		return nil, nil, newHeadError(statusBadRequest, "obsolete line folding or leading whitespace in field line", line)
	}
	colon := bytes.IndexByte(line, ':')
	if colon < 0 {
		return nil, nil, newHeadError(statusBadRequest, "header field line without colon", line)
	}
	name = line[:colon]
	for i, c := range name {
		if charClass[c]&classToken == 0 {
			if len(trimOWS(name[i:])) == 0 {
				// RFC 9112 section 5.1: MUST reject with 400.
				return nil, nil, newHeadError(statusBadRequest, "whitespace between header field name and colon", name)
			}
			return nil, nil, newHeadError(statusBadRequest, "malformed header field name", name)
		}
	}
	if len(name) == 0 {
		return nil, nil, newHeadError(statusBadRequest, "empty header field name in", line)
	}
	raw := line[colon+1:]
	if !validValue(raw) {
		return nil, nil, newHeadError(statusBadRequest, "invalid character in header field value", trimLeftOWS(raw))
	}
	left := trimLeftOWS(raw)
	value = trimOWS(left)
	if len(s.fields.list) >= lim.headerCount {
		return nil, nil, newHeadError(statusHeaderFieldsTooLarge, "too many header fields at", line)
	}
	voff := base + colon + 1 + len(raw) - len(left)
	s.fields.list = append(s.fields.list, field{
		name:  spanOf(base, base+colon),
		value: spanOf(voff, voff+len(value)),
	})
	return name, value, s.frameField(name, value)
}

func trimLeftOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

// frameField derives the framing facts common to requests and responses
// from one field.
func (s *headState) frameField(name, value []byte) error {
	switch len(name) {
	case len("connection"):
		if equalFold(name, "connection") {
			s.connectionField(value)
		}
	case len("content-length"):
		if equalFold(name, "content-length") {
			return s.contentLengthField(value)
		}
	case len("transfer-encoding"):
		if equalFold(name, "transfer-encoding") {
			return s.transferEncodingField(value)
		}
	}
	return nil
}

// connectionField notes the close and keep-alive options (RFC 9110
// section 7.6.1; RFC 9112 section 9.3); other options are not framing.
func (s *headState) connectionField(value []byte) {
	for rest := value; len(rest) > 0; {
		var opt []byte
		opt, rest = nextListElem(rest)
		switch {
		case equalFold(opt, "close"):
			s.connClose = true
		case equalFold(opt, "keep-alive"):
			s.connKeepAlive = true
		}
	}
}

// contentLengthField parses Content-Length (RFC 9110 section 8.6;
// RFC 9112 section 6.3). A value is 1*DIGIT within an int64. A list of
// identical values ("5, 5") and repeated identical lines are accepted as
// one length, as the RFC allows: they cannot frame two ways. Differing
// values are rejected.
func (s *headState) contentLengthField(value []byte) error {
	for rest := value; ; {
		var v []byte
		v, rest = nextListElem(rest)
		n, ok := parseDigits(v)
		if !ok {
			return newHeadError(statusBadRequest, "invalid Content-Length", value)
		}
		if s.contentLength >= 0 && s.contentLength != n {
			return newHeadError(statusBadRequest, "conflicting Content-Length", value)
		}
		s.contentLength = n
		if rest == nil {
			return nil
		}
	}
}

// parseDigits parses 1*DIGIT as a non-negative int64; ok is false for an
// empty string, any other byte, or a value beyond int64.
func parseDigits(b []byte) (n int64, ok bool) {
	if len(b) == 0 {
		return 0, false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n > (math.MaxInt64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// transferEncodingField parses one Transfer-Encoding line (RFC 9112
// section 6.1): a list of transfer codings, each a token with optional
// parameters; several lines are one list, in order. For framing only
// three things matter: whether chunked is the last coding, whether it
// appears twice, and whether any other coding is listed. The head's
// finish decides what to answer.
func (s *headState) transferEncodingField(value []byte) error {
	s.hasTE = true
	s.teAt = s.fields.list[len(s.fields.list)-1].value
	for rest := value; len(rest) > 0; {
		var elem []byte
		elem, rest = nextListElem(rest)
		if len(elem) == 0 {
			continue // RFC 9110 section 5.6.1: empty elements are ignored
		}
		name, params := elem, []byte(nil)
		if i := bytes.IndexByte(elem, ';'); i >= 0 {
			name, params = trimOWS(elem[:i]), elem[i:]
		}
		if !isToken(name) {
			return newHeadError(statusBadRequest, "malformed Transfer-Encoding", value)
		}
		if !equalFold(name, "chunked") {
			s.otherCoding = true
			s.chunked = false
			continue
		}
		if s.chunkedSeen {
			// RFC 9112 section 7: chunked is applied at most once.
			return newHeadError(statusBadRequest, "chunked given twice in Transfer-Encoding", value)
		}
		if params != nil {
			// chunked has no parameters (RFC 9112 section 7).
			return newHeadError(statusBadRequest, "parameters on chunked in Transfer-Encoding", value)
		}
		s.chunkedSeen = true
		s.chunked = true
	}
	return nil
}
