package http1

import "bytes"

// span is where a piece of the head sits in the buffer: buf[off:end].
// Offsets rather than slices because the caller may move its buffer
// between calls (growing it copies the prefix); the head's slices are
// taken from the final buffer once it is complete.
type span struct{ off, end uint32 }

func spanOf(off, end int) span { return span{uint32(off), uint32(end)} }

func (s span) in(buf []byte) []byte { return buf[s.off:s.end:s.end] }

// field is one field line: its name and its value without the optional
// whitespace around it.
type field struct{ name, value span }

// fields are the field lines of one head, in the order received. The
// list keeps its capacity from one head to the next, so a connection
// stops allocating once it has seen its largest head.
type fields struct {
	buf  []byte // the head, set when it is complete
	list []field
}

// len is the number of field lines.
func (f *fields) len() int { return len(f.list) }

// name is the name of field line i, as received.
func (f *fields) name(i int) []byte { return f.list[i].name.in(f.buf) }

// value is the value of field line i, without surrounding whitespace.
func (f *fields) value(i int) []byte { return f.list[i].value.in(f.buf) }

// get returns the value of the first field line named name, which must
// be lower case; names are compared ignoring ASCII case.
func (f *fields) get(name string) ([]byte, bool) {
	for _, fl := range f.list {
		if equalFold(fl.name.in(f.buf), name) {
			return fl.value.in(f.buf), true
		}
	}
	return nil, false
}

// headState is what the parse of one head carries from one call to the
// next, and the framing facts common to requests and responses.
//
// A call resumes the search for the next LF where the previous call
// stopped (scanned) and parses each line once, when its LF arrives, so a
// head that trickles in byte by byte costs time linear in its size.
type headState struct {
	pos       int  // start of the first line not yet parsed
	scanned   int  // buf[pos:scanned] holds no LF
	empties   int  // empty lines seen before the start line
	startDone bool // the start line is parsed
	done      bool // the head is complete

	fields fields

	minor int // HTTP minor version: 0 or 1

	// Framing facts, derived while parsing.
	contentLength int64 // -1 if no Content-Length
	hasTE         bool  // a Transfer-Encoding field is present
	teAt          span  // the last Transfer-Encoding value, for errors
	chunked       bool  // the last transfer coding is chunked
	chunkedSeen   bool  // chunked appears among the codings
	otherCoding   bool  // a coding other than chunked is listed
	connClose     bool  // Connection lists "close"
	connKeepAlive bool  // Connection lists "keep-alive"
}

// reset prepares the state for the next head, keeping the capacity of the
// field list.
func (s *headState) reset() {
	list := s.fields.list[:0]
	*s = headState{contentLength: -1}
	s.fields.list = list
}

// nextLine finds the next complete line in buf, starting at s.pos. It
// returns the line without its LF and the offset just past the LF; ok is
// false if the LF has not arrived yet.
func (s *headState) nextLine(buf []byte) (line []byte, next int, ok bool) {
	i := bytes.IndexByte(buf[s.scanned:], '\n')
	if i < 0 {
		s.scanned = len(buf)
		return nil, 0, false
	}
	lf := s.scanned + i
	return buf[s.pos:lf], lf + 1, true
}

// advance moves past a parsed line.
func (s *headState) advance(next int) {
	s.pos, s.scanned = next, next
}

// checkCRLF checks that line, up to its LF, ends in CR. A line ending in
// a bare LF is rejected: RFC 9112 section 2.2 lets a recipient accept one,
// but a front end that splits lines only at CRLF would read another
// message, which is how requests are smuggled.
func checkCRLF(line []byte) error {
	if len(line) == 0 || line[len(line)-1] != '\r' {
		return newHeadError(statusBadRequest, "bare LF line ending in", line)
	}
	return nil
}

// headKind is what differs between a request head and a response head:
// the start line and the fields and rules that only one of them has.
type headKind interface {
	state() *headState
	// checkStartPrefix checks the start line as far as it has arrived,
	// so that garbage is rejected before its line ends. It must only
	// reject what the complete line would be rejected for, with the same
	// error.
	checkStartPrefix(b []byte, startLimit int) error
	// startLine parses the complete start line, without CRLF; base is its
	// offset in the buffer.
	startLine(line []byte, base int) error
	// field sees each field line once it is parsed and appended.
	field(name, value []byte) error
	// finish applies the rules about the head as a whole.
	finish() error
}

// parseHead is the loop of parseRequestHead and parseResponseHead.
//
// The order of checks makes the result independent of how the head was
// split across calls: each line is judged when its LF arrives, in order,
// and the checks made on a line still arriving (checkStartPrefix, the
// start-line and head-size limits) fail on a prefix only when they fail,
// the same way, on every longer input.
func parseHead(buf []byte, lim *limits, k headKind) (int, error) {
	s := k.state()
	if s.done {
		panic("http1: head parsed again without a reset")
	}
	if s.scanned == 0 {
		// Nothing seen yet: a zero head value is a fresh one.
		s.contentLength = -1
	}
	l := lim.orDefault()
	for {
		line, next, ok := s.nextLine(buf)
		if !ok {
			return 0, s.pending(buf, &l, k)
		}
		content := line
		if len(content) > 0 && content[len(content)-1] == '\r' {
			content = content[:len(content)-1]
		}
		if !s.startDone {
			if err := s.startLine(line, content, next, &l, k); err != nil {
				return 0, err
			}
			s.advance(next)
			continue
		}
		if next > l.headerBytes {
			return 0, newHeadError(statusHeaderFieldsTooLarge, "header section too large at", line)
		}
		if err := checkCRLF(line); err != nil {
			return 0, err
		}
		if len(content) == 0 {
			s.done = true
			s.fields.buf = buf[:next:next]
			if err := k.finish(); err != nil {
				return 0, err
			}
			return next, nil
		}
		name, value, err := s.parseField(content, s.pos, &l)
		if err == nil {
			err = k.field(name, value)
		}
		if err != nil {
			return 0, err
		}
		s.advance(next)
	}
}

// startLine judges a complete line while the start line is awaited: an
// empty line before it, or the start line itself.
func (s *headState) startLine(line, content []byte, next int, l *limits, k headKind) error {
	if len(content) == 0 {
		if err := checkCRLF(line); err != nil {
			return err
		}
		s.empties++
		if s.empties > maxLeadingEmptyLines {
			return newHeadError(statusBadRequest, "too many empty lines before the start line", nil)
		}
		return nil
	}
	if err := k.checkStartPrefix(content, l.startLine); err != nil {
		return err
	}
	if len(content) > l.startLine {
		return newHeadError(statusURITooLong, "start line too long", content)
	}
	if next > l.headerBytes {
		return newHeadError(statusHeaderFieldsTooLarge, "header section too large at", content)
	}
	if err := checkCRLF(line); err != nil {
		return err
	}
	if err := k.startLine(content, s.pos); err != nil {
		return err
	}
	s.startDone = true
	return nil
}

// pending checks what has arrived of a line whose LF has not: a start
// line that is already invalid or too long, or a head already too large.
func (s *headState) pending(buf []byte, l *limits, k headKind) error {
	if !s.startDone {
		avail := buf[s.pos:]
		if len(avail) > 0 && avail[len(avail)-1] == '\r' {
			avail = avail[:len(avail)-1] // maybe the CR of the CRLF
		}
		if len(avail) > 0 {
			if err := k.checkStartPrefix(avail, l.startLine); err != nil {
				return err
			}
		}
		if len(buf)-s.pos > l.startLine+1 {
			return newHeadError(statusURITooLong, "start line too long", buf[s.pos:])
		}
	}
	if len(buf) > l.headerBytes {
		return newHeadError(statusHeaderFieldsTooLarge, "header section too large at", buf[s.pos:])
	}
	return nil
}

// parseVersion parses HTTP-version (RFC 9112 section 2.3), "HTTP/" DIGIT
// "." DIGIT, case-sensitive. It returns the minor version to speak: 0 or
// 1. A higher 1.x is spoken as 1.1 (RFC 9110 section 6.2: a recipient
// SHOULD process it as the highest minor version it implements); another
// major version is 505.
// DIGIT, case-sensitive. It returns the minor version to speak: 0 or 1.
// A higher 1.x is spoken as 1.1 (RFC 9110 section 6.2: a recipient
// SHOULD process it as the highest minor version it implements); another
// major version is 505.
func parseVersion(v []byte) (minor int, err error) {
	if len(v) != len("HTTP/1.1") || string(v[:5]) != "HTTP/" || v[6] != '.' ||
		v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9' {
		return 0, newHeadError(statusBadRequest, "malformed HTTP version", v)
	}
	if v[5] != '1' {
		return 0, newHeadError(statusVersionNotSupported, "unsupported HTTP version", v)
	}
	return min(int(v[7]-'0'), 1), nil
}
