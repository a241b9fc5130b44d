package http1

// This file frames message bodies as RFC 9112 sections 6 and 7 define
// them: a decoder of the chunked transfer coding, a counter of
// Content-Length bodies, and the chunked encoder of responses.
//
// How the pieces are used. A connection reads into one input buffer that
// the head parser and the body share. Once a head is parsed, the server
// (or the client, for a response) picks the framing from it (RFC 9112
// section 6.3) and arms the connection's bodyReader (body.go) with it: a
// chunkedDecoder for "Transfer-Encoding: chunked", a lengthDecoder for
// Content-Length, or reading until the connection closes for a response
// with neither. The bodyReader is the aio.Reader a handler reads; it feeds
// the decoder whatever the buffer holds and hands the body bytes on. After
// the handler, the server drains what it left (bodyReader.drain) and reads
// the next head from the bytes after the body, which the decoder never
// consumes. A response of unknown length is framed with appendChunk (or
// appendChunkHeader, the data, then crlf) and ended with appendLastChunk,
// all writing into the connection's output buffer.
//
// The decoders are pure state machines over bytes: no I/O, no
// allocation, and the same result for any split of the input across
// calls. They are strict, because a body whose end a proxy and a server
// see at different places is how requests are smuggled: everything the
// grammar of RFC 9112 section 7.1 does not allow is an error, nothing is
// repaired.

import (
	"fmt"
	"io"
	"math"
	"math/bits"
	"strconv"
)

// The default limits of a body; the server and client options override
// them.
const (
	// defaultMaxBodyBytes bounds a body's length (413 beyond): a handler
	// that wants more raises it. It is the size that net/http's
	// ParseMultipartForm keeps in memory, as a familiar order of size.
	defaultMaxBodyBytes = 10 << 20
	// defaultMaxChunkExtBytes bounds the chunk extensions of one body,
	// with the whitespace before them: nothing uses them, and a peer
	// that sends many is only making the server parse. It is the length
	// of the line net/http accepts for a chunk-size line.
	defaultMaxChunkExtBytes = 4 << 10
	// defaultMaxTrailerBytes bounds a trailer section, CRLFs included.
	defaultMaxTrailerBytes = 8 << 10
	// maxChunkSizeDigits is the most hex digits a chunk-size may have:
	// 16 hold any 64-bit size; more are only leading zeros, which a peer
	// could send without end.
	maxChunkSizeDigits = 16
	// errInputMax is the most bytes of offending input an error quotes:
	// the last ones, up to the byte that failed.
	errInputMax = 32
)

// bodyLimits are the limits a body is decoded under.
type bodyLimits struct {
	body     int64 // the most body bytes; more is a 413
	chunkExt int   // the most bytes of chunk extensions in one body, the whitespace before them included
	trailer  int   // the most bytes of a trailer section, CRLFs included
}

// defaultBodyLimits returns the default limits.
func defaultBodyLimits() bodyLimits {
	return bodyLimits{
		body:     defaultMaxBodyBytes,
		chunkExt: defaultMaxChunkExtBytes,
		trailer:  defaultMaxTrailerBytes,
	}
}

// bodyError is a body that cannot be read: the status to answer (400 for
// malformed framing, 413 for a body too large), what failed, and the
// offending input.
type bodyError struct {
	status int
	what   string // "invalid chunk size"
	input  string // the offending input, quoted and cut to errInputMax bytes; "" for none
	err    error  // wrapped: io.ErrUnexpectedEOF for a body cut short, or nil
}

// Error names what failed and quotes the input, as in
// `http1: invalid chunk size "12g"`.
func (e *bodyError) Error() string {
	if e.input == "" {
		return "http1: " + e.what
	}
	return "http1: " + e.what + " " + e.input
}

// Status is the HTTP status to answer.
func (e *bodyError) Status() int { return e.status }

// Unwrap returns the error wrapped, if any.
func (e *bodyError) Unwrap() error { return e.err }

// errBodyTooLarge returns the 413 error of a body longer than limit.
func errBodyTooLarge(limit int64) *bodyError {
	return &bodyError{status: 413, what: fmt.Sprintf("body larger than the limit of %d bytes", limit)}
}

// errBodyCutShort is the error of a connection that ended inside a body.
var errBodyCutShort = &bodyError{status: 400, what: "connection ended inside the body", err: io.ErrUnexpectedEOF}

// lengthDecoder counts the bytes of a body of known length (RFC 9112
// section 6.2): it hands on the next left bytes and consumes nothing
// after them.
type lengthDecoder struct {
	left int64
}

// reset arms d for a body of n bytes. The limit is checked up front: a
// Content-Length above it is a 413 before a byte of the body is read.
func (d *lengthDecoder) reset(n, limit int64) error {
	d.left = 0
	if n < 0 {
		panic("http1: negative Content-Length")
	}
	if n > limit {
		return errBodyTooLarge(limit)
	}
	d.left = n
	return nil
}

// decode has the contract of chunkedDecoder.decode; it never fails.
func (d *lengthDecoder) decode(in []byte, maxData int) (consumed int, data []byte, done bool, err error) {
	n := int(min(d.left, int64(len(in)), int64(max(maxData, 0))))
	d.left -= int64(n)
	return n, in[:n], d.left == 0, nil
}

// chunkState is where a chunkedDecoder is in the grammar of RFC 9112
// section 7.1:
//
//	chunked-body   = *chunk last-chunk trailer-section CRLF
//	chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//	last-chunk     = 1*("0") [ chunk-ext ] CRLF
//	chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//	chunk-ext-val  = token / quoted-string
//	trailer-section = *( field-line CRLF )
type chunkState uint8

const (
	csSize          chunkState = iota // before the first digit of a chunk-size
	csSizeDigits                      // in the digits
	csSizeBWS                         // whitespace after the digits: only ';' may follow
	csExtName0                        // after ';' and whitespace, before a name
	csExtName                         // in a name
	csExtNameBWS                      // whitespace after a name: '=' or ';' follows
	csExtValue0                       // after '=' and whitespace, before a value
	csExtToken                        // in a token value
	csExtQuoted                       // in a quoted-string value
	csExtQuotedPair                   // after a backslash in a quoted-string
	csExtQuoteEnd                     // after the closing quote
	csExtValueBWS                     // whitespace after a value: only ';' may follow
	csSizeLF                          // after the CR of a chunk-size line
	csData                            // in chunk-data, left bytes to go
	csDataCR                          // after chunk-data, before its CR
	csDataLF                          // after that CR
	csTrailer0                        // at the start of a trailer line or of the final CRLF
	csTrailerName                     // in a trailer field name
	csTrailerValue                    // after the colon of a trailer field
	csTrailerLF                       // after the CR of a trailer line
	csEndLF                           // after the CR of the final CRLF
	csDone                            // the body is complete
	csFailed                          // an error was returned: every later call returns it
)

// chunkedDecoder decodes the chunked transfer coding (RFC 9112 section
// 7.1). It is a state machine fed any bytes, one call after another; its
// zero value is not ready: call reset. It is small enough to live in
// every connection.
type chunkedDecoder struct {
	state    chunkState
	digits   uint8 // hex digits of the chunk-size so far
	left     int64 // the chunk-size being read, then the data bytes left in the chunk
	total    int64 // body bytes so far, the chunk being read included
	extBytes int   // bytes of chunk extensions so far
	trailer  int   // bytes of the trailer section so far
	limits   bodyLimits
	err      error    // the error returned, sticky
	line     lineTail // the end of the current line, for errors
}

// reset arms d for a new body decoded under limits.
func (d *chunkedDecoder) reset(limits bodyLimits) {
	*d = chunkedDecoder{limits: limits}
}

// decode decodes the start of in and returns how many bytes of in it
// consumed, the body data it found among them, whether the body is
// complete (the last chunk and the trailer section read), and an error if
// the framing is invalid or the body too large.
//
// data is a sub-slice of in, never copied: the last len(data) bytes of
// in[:consumed]. A call consumes framing up to one span of data, at most
// maxData bytes of it (0 consumes framing only), and returns after that
// span; the caller calls again with the bytes after consumed, and with
// more input once in is used up. The bytes after the end of the body are
// never consumed: they are the next message. So any split of the input
// across calls gives the same body, the same end and the same error.
//
// Once the body is complete decode returns (0, nil, true, nil); once it
// failed it returns the same error again and consumes nothing. An error
// comes with consumed counting the bytes before the one that failed.
func (d *chunkedDecoder) decode(in []byte, maxData int) (consumed int, data []byte, done bool, err error) {
	switch d.state {
	case csDone:
		return 0, nil, true, nil
	case csFailed:
		return 0, nil, false, d.err
	}
	i := 0
	for i < len(in) {
		if d.state == csData {
			n := int(min(d.left, int64(len(in)-i), int64(max(maxData, 0))))
			d.left -= int64(n)
			if d.left == 0 {
				d.state = csDataCR
				d.line.reset()
			}
			return i + n, in[i : i+n], false, nil
		}
		if err := d.step(in[i]); err != nil {
			d.state, d.err = csFailed, err
			return i, nil, false, err
		}
		i++
		if d.state == csDone {
			return i, nil, true, nil
		}
	}
	return i, nil, false, nil
}

// done reports whether the whole body was decoded.
func (d *chunkedDecoder) done() bool { return d.state == csDone }

// step advances the state machine over one byte of framing.
func (d *chunkedDecoder) step(c byte) error {
	d.line.add(c)
	switch d.state {
	case csSize:
		v, ok := hexValue(c)
		if !ok {
			// RFC 9112 section 7.1: chunk-size = 1*HEXDIG, so no sign, no
			// "0x", no whitespace before it, no empty size.
			return d.fail(400, "invalid chunk size")
		}
		d.left, d.digits, d.state = int64(v), 1, csSizeDigits
	case csSizeDigits:
		if v, ok := hexValue(c); ok {
			if d.digits == maxChunkSizeDigits || d.left > math.MaxInt64>>4 {
				return d.fail(400, "chunk size too long")
			}
			d.left = d.left<<4 | int64(v)
			d.digits++
			return nil
		}
		if err := d.sizeRead(); err != nil {
			return err
		}
		switch c {
		case ' ', '\t':
			// RFC 9112 section 7.1.1: BWS before a chunk extension.
			d.state = csSizeBWS
			return d.countExt()
		case ';':
			d.state = csExtName0
			return d.countExt()
		case '\r':
			d.state = csSizeLF
			return nil
		}
		return d.fail(400, "invalid chunk size")
	case csSizeBWS, csExtName0, csExtName, csExtNameBWS, csExtValue0,
		csExtToken, csExtQuoted, csExtQuotedPair, csExtQuoteEnd, csExtValueBWS:
		return d.stepExt(c)
	case csSizeLF:
		if c != '\n' {
			return d.fail(400, "chunk size line not ended by CRLF")
		}
		d.line.reset()
		if d.left == 0 {
			d.state = csTrailer0
		} else {
			d.state = csData
		}
	case csDataCR:
		if c != '\r' {
			// RFC 9112 section 7.1: chunk = chunk-size [ chunk-ext ] CRLF
			// chunk-data CRLF, exactly.
			return d.fail(400, "chunk data not followed by CRLF")
		}
		d.state = csDataLF
	case csDataLF:
		if c != '\n' {
			return d.fail(400, "chunk data not followed by CRLF")
		}
		d.line.reset()
		d.state = csSize
	case csTrailer0, csTrailerName, csTrailerValue, csTrailerLF, csEndLF:
		return d.stepTrailer(c)
	default:
		panic("http1: chunked decoder stepped in state " + strconv.Itoa(int(d.state)))
	}
	return nil
}

// sizeRead checks the chunk-size just read against the body limit, as
// soon as it is known: a chunk that would take the body over it is a 413
// before its data is read.
func (d *chunkedDecoder) sizeRead() error {
	if d.left > d.limits.body-d.total {
		return errBodyTooLarge(d.limits.body)
	}
	d.total += d.left
	return nil
}

// countExt counts one byte of chunk extensions against its limit.
func (d *chunkedDecoder) countExt() error {
	d.extBytes++
	if d.extBytes > d.limits.chunkExt {
		return d.fail(400, "chunk extensions too long")
	}
	return nil
}

// stepExt advances over one byte of the chunk extensions (RFC 9112
// section 7.1.1), which are checked and ignored. A CR ends them where the
// grammar allows the line to end: after a name or a value, never after
// whitespace.
func (d *chunkedDecoder) stepExt(c byte) error {
	if c == '\r' {
		switch d.state {
		case csExtName, csExtToken, csExtQuoteEnd:
			d.state = csSizeLF
			return nil
		case csSizeBWS:
			// Whitespace after a chunk-size is allowed only before ';'.
			return d.fail(400, "invalid chunk size")
		}
		return d.fail(400, "invalid chunk extension")
	}
	if err := d.countExt(); err != nil {
		return err
	}
	ws := c == ' ' || c == '\t'
	switch d.state {
	case csSizeBWS, csExtValueBWS, csExtQuoteEnd:
		switch {
		case ws:
			if d.state == csExtQuoteEnd {
				d.state = csExtValueBWS
			}
			return nil
		case c == ';':
			d.state = csExtName0
			return nil
		}
		if d.state == csSizeBWS {
			return d.fail(400, "invalid chunk size")
		}
	case csExtName0:
		switch {
		case ws:
			return nil
		case isTchar(c):
			d.state = csExtName
			return nil
		}
	case csExtName, csExtNameBWS:
		switch {
		case isTchar(c) && d.state == csExtName:
			return nil
		case ws:
			d.state = csExtNameBWS
			return nil
		case c == '=':
			d.state = csExtValue0
			return nil
		case c == ';':
			d.state = csExtName0
			return nil
		}
	case csExtValue0:
		switch {
		case ws:
			return nil
		case c == '"':
			d.state = csExtQuoted
			return nil
		case isTchar(c):
			d.state = csExtToken
			return nil
		}
	case csExtToken:
		switch {
		case isTchar(c):
			return nil
		case ws:
			d.state = csExtValueBWS
			return nil
		case c == ';':
			d.state = csExtName0
			return nil
		}
	case csExtQuoted:
		// qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
		switch {
		case c == '"':
			d.state = csExtQuoteEnd
			return nil
		case c == '\\':
			d.state = csExtQuotedPair
			return nil
		case ws || c >= 0x21 && c != 0x7f:
			return nil
		}
	case csExtQuotedPair:
		// quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
		if ws || c >= 0x21 && c != 0x7f {
			d.state = csExtQuoted
			return nil
		}
	}
	return d.fail(400, "invalid chunk extension")
}

// stepTrailer advances over one byte of the trailer section (RFC 9112
// section 7.1.2), whose field lines follow the rules of header field
// lines (section 5) and are checked and then discarded.
func (d *chunkedDecoder) stepTrailer(c byte) error {
	d.trailer++
	if d.trailer > d.limits.trailer {
		return d.fail(400, "trailer section too long")
	}
	switch d.state {
	case csTrailer0:
		switch {
		case c == '\r':
			d.state = csEndLF
			return nil
		case (c == ' ' || c == '\t') && d.trailer == 1:
			// Not a fold: there is no line before it to continue.
			return d.fail(400, "whitespace before the first trailer field")
		}
		d.state = csTrailerName
		return d.stepField(fieldName0, c)
	case csTrailerName, csTrailerValue:
		if c == '\r' {
			if d.state == csTrailerName {
				return d.fail(400, "trailer field line without a colon")
			}
			d.state = csTrailerLF
			return nil
		}
		fs := fieldName
		if d.state == csTrailerValue {
			fs = fieldValue
		}
		return d.stepField(fs, c)
	case csTrailerLF:
		if c != '\n' {
			return d.fail(400, "trailer field line not ended by CRLF")
		}
		d.line.reset()
		d.state = csTrailer0
	case csEndLF:
		if c != '\n' {
			return d.fail(400, "chunked body not ended by CRLF")
		}
		d.state = csDone
	}
	return nil
}

// stepField checks one byte of a trailer field line in state fs.
func (d *chunkedDecoder) stepField(fs fieldState, c byte) error {
	next, what := fieldStep(fs, c)
	if what != "" {
		return d.fail(400, what+" in trailer field")
	}
	if next == fieldValue {
		d.state = csTrailerValue
	}
	return nil
}

// fail returns the error of the current line, quoting its end.
func (d *chunkedDecoder) fail(status int, what string) error {
	return &bodyError{status: status, what: what, input: d.line.quote()}
}

// lineTail keeps the last errInputMax bytes of the line being decoded, so
// that an error can quote what failed without the decoder holding the
// line: the quote is the same however the input was split.
type lineTail struct {
	b [errInputMax]byte
	n int // bytes of the line so far
}

func (t *lineTail) reset() { t.n = 0 }

func (t *lineTail) add(c byte) {
	t.b[t.n%errInputMax] = c
	t.n++
}

// quote returns the bytes kept, in order and quoted, after "..." if the
// line was longer.
func (t *lineTail) quote() string {
	if t.n <= errInputMax {
		return strconv.Quote(string(t.b[:t.n]))
	}
	i := t.n % errInputMax
	return "..." + strconv.Quote(string(t.b[i:])+string(t.b[:i]))
}

// hexValue returns the value of the hex digit c.
func hexValue(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// fieldState is where a check of a field line is (RFC 9112 section 5):
//
//	field-line  = field-name ":" OWS field-value OWS
//	field-name  = token
//	field-value = *field-content, of field-vchar (VCHAR / obs-text), SP and HTAB
type fieldState uint8

const (
	fieldName0 fieldState = iota // at the start of the line
	fieldName                    // in the name
	fieldValue                   // after the colon
)

// fieldStep checks one byte c of a field line, in state s, and returns
// the next state, or what is wrong. CR and LF are never part of a line:
// the caller ends the line at them.
func fieldStep(s fieldState, c byte) (fieldState, string) {
	switch s {
	case fieldName0:
		switch {
		case c == ' ' || c == '\t':
			// RFC 9112 section 5.2: obs-fold is rejected, and so is
			// whitespace before a first field (section 2.2).
			return s, "obsolete line folding"
		case c == ':':
			return s, "empty name"
		case isTchar(c):
			return fieldName, ""
		}
		return s, "invalid name"
	case fieldName:
		switch {
		case isTchar(c):
			return s, ""
		case c == ':':
			return fieldValue, ""
		case c == ' ' || c == '\t':
			// RFC 9112 section 5.1: no whitespace between the name and
			// the colon; a server must reject it.
			return s, "whitespace before the colon"
		}
		return s, "invalid name"
	}
	// RFC 9110 section 5.5: a value is VCHAR, obs-text, SP and HTAB; CR,
	// LF, NUL and the other controls are rejected, not replaced.
	if c >= 0x20 && c != 0x7f || c == '\t' {
		return s, ""
	}
	return s, "invalid value"
}

// checkFieldLine checks a field line without its CRLF, and returns what
// is wrong with it, or "".
func checkFieldLine(line []byte) string {
	s := fieldName0
	for _, c := range line {
		if c == '\r' || c == '\n' {
			return "CR or LF"
		}
		var what string
		if s, what = fieldStep(s, c); what != "" {
			return what
		}
	}
	if s != fieldValue {
		return "no colon"
	}
	return ""
}

// isTchar reports whether c may appear in a token (RFC 9110 section
// 5.6.2): any VCHAR but the delimiters.
func isTchar(c byte) bool {
	return c < 0x80 && tcharBits[c>>5]&(1<<(c&31)) != 0
}

// tcharBits has bit c set for every tchar c below 0x80:
//
//	tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
//	        "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
var tcharBits = func() (t [4]uint32) {
	const s = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for i := 0; i < len(s); i++ {
		t[s[i]>>5] |= 1 << (s[i] & 31)
	}
	return t
}()

// crlf ends a chunk's data, after appendChunkHeader and the data.
const crlf = "\r\n"

// lastChunk is the last chunk of a body without trailers, and its end.
const lastChunk = "0\r\n\r\n"

// chunkHeaderLen returns the length of the header of a chunk of n bytes:
// its size in hex and CRLF.
func chunkHeaderLen(n int) int { return (bits.Len64(uint64(n))+3)/4 + len(crlf) }

// chunkLen returns the length of a chunk of n bytes framed: header, data
// and CRLF.
func chunkLen(n int) int { return chunkHeaderLen(n) + n + len(crlf) }

// appendChunkHeader appends the header of a chunk of n bytes,
// "<hex n>\r\n", to dst: it allocates nothing when dst has room for
// chunkHeaderLen(n) more bytes. n must be positive: a chunk of 0 bytes is
// the last chunk, which ends the body.
func appendChunkHeader(dst []byte, n int) []byte {
	if n <= 0 {
		panic("http1: chunk of " + strconv.Itoa(n) + " bytes")
	}
	dst = strconv.AppendUint(dst, uint64(n), 16)
	return append(dst, crlf...)
}

// appendChunk appends data framed as one chunk to dst; it allocates
// nothing when dst has room for chunkLen(len(data)) more bytes. Empty data
// appends nothing: an empty chunk would end the body.
func appendChunk(dst, data []byte) []byte {
	if len(data) == 0 {
		return dst
	}
	dst = appendChunkHeader(dst, len(data))
	dst = append(dst, data...)
	return append(dst, crlf...)
}

// lastChunkLen returns the length of the end of a body with the trailer
// section trailers (see appendLastChunk).
func lastChunkLen(trailers []byte) int { return len(lastChunk) + len(trailers) }

// appendLastChunk appends the end of a chunked body to dst: the last
// chunk, the trailer section trailers, and the final CRLF. trailers is
// empty or field lines each ended by CRLF ("Name: value\r\n"); they are
// checked as header field lines are, so that a trailer cannot end the
// message early or smuggle a line in. It allocates nothing when dst has
// room for lastChunkLen(trailers) more bytes, or on an error.
func appendLastChunk(dst, trailers []byte) ([]byte, error) {
	if err := checkTrailers(trailers); err != nil {
		return dst, err
	}
	dst = append(dst, "0\r\n"...)
	dst = append(dst, trailers...)
	return append(dst, crlf...), nil
}

// checkTrailers checks a trailer section to send.
func checkTrailers(trailers []byte) error {
	for len(trailers) > 0 {
		end := indexCRLF(trailers)
		if end < 0 {
			return &bodyError{status: 500, what: "trailer field line not ended by CRLF", input: quoteInput(trailers)}
		}
		if what := checkFieldLine(trailers[:end]); what != "" {
			return &bodyError{status: 500, what: what + " in trailer field", input: quoteInput(trailers[:end])}
		}
		trailers = trailers[end+len(crlf):]
	}
	return nil
}

// indexCRLF returns the index of the first CRLF in b, or -1.
func indexCRLF(b []byte) int {
	for i := 0; i+1 < len(b); i++ {
		if b[i] == '\r' && b[i+1] == '\n' {
			return i
		}
	}
	return -1
}

// quoteInput quotes at most errInputMax bytes of b for an error.
func quoteInput(b []byte) string {
	if len(b) > errInputMax {
		return strconv.Quote(string(b[:errInputMax])) + "..."
	}
	return strconv.Quote(string(b))
}
