package book

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The fuzz target of the response parser, Get's whole view of what a
// server sends. Run it with
//
//	go test -run='^$' -fuzz='^FuzzResponseParser$' -fuzztime=5s -parallel=1 ./internal/book
//
// Each input is a response and a list of read sizes. The response is fed
// to the parser three ways: in reads as large as the parser's room allows,
// one byte at a time, and in reads of the sizes the list gives (each byte b
// is a read of up to b+1 bytes, the list repeating). The target checks
// that
//
//   - the three ways give the same response or the same error, word for
//     word: how the bytes arrive must not change what they mean;
//   - the parser never offers an empty room to an incomplete response (a
//     read into it would return 0 and look like end of stream), it never
//     searches the same bytes for the end of the head twice, and its
//     buffer stays within a small factor of the bytes read, so that
//     nothing a response announces (a Content-Length of 2^62, say) makes
//     it allocate ahead of the bytes; the heap allocated by one parse is
//     bounded by the input's length too;
//   - every error wraps ErrBadResponse, ErrTooLarge or
//     errors.ErrUnsupported, and text it quotes is text of the response,
//     so that it shows what failed;
//   - every status line and header line it accepts is one RFC 9112 allows,
//     checked against regular expressions written from the RFC's grammar,
//     and every one it refuses is not, and the body is the framing's: none
//     for 204 and 304, Content-Length bytes, or the rest of the input;
//   - net/http's ReadResponse, with 1xx interim responses skipped as its
//     Transport does, agrees: same status, protocol, reason, header fields
//     and body when both accept, and every disagreement is one of the
//     intentional differences listed at netHTTPDifference.

// FuzzResponseParser is described above.
func FuzzResponseParser(f *testing.F) {
	for _, s := range responseSeeds {
		f.Add([]byte(s), []byte(nil))
		f.Add([]byte(s), []byte{0})
		f.Add([]byte(s), []byte{6, 0, 200, 2})
	}
	f.Fuzz(func(t *testing.T, input, sizes []byte) {
		whole := parseInReads(t, input, nil)
		if allocated, limit := parseAllocation(t, input), parseAllocSlack+parseAllocPerByte*uint64(len(input)); allocated > limit {
			t.Errorf("parsing %d bytes allocated %d bytes; want at most %d", len(input), allocated, limit)
		}
		bytewise := parseInReads(t, input, []byte{0})
		chosen := parseInReads(t, input, sizes)
		if d := whole.diff(bytewise); d != "" {
			t.Errorf("in one read and one byte at a time: %s", d)
		}
		if d := whole.diff(chosen); d != "" {
			t.Errorf("in one read and in reads of %v: %s", sizes, d)
		}
		checkParsed(t, input, whole)
		compareWithNetHTTP(t, input, whole)
	})
}

// The allowance for the heap one parse may allocate: parseAllocSlack plus
// parseAllocPerByte for each byte of input. The per-byte figure leaves
// room for a header of many tiny fields (3 bytes, "a:\n", cost a line, a
// string, a slice and a map slot: about 130 bytes); the slack covers the
// first buffer and the runtime's accounting, which counts small objects a
// span (8 KiB and up) at a time. A parser that allocated for a body before
// the body came would pass it by megabytes.
const (
	parseAllocSlack   = 256 << 10
	parseAllocPerByte = 128
)

// responseSeeds are the seeds of FuzzResponseParser: one of each framing,
// each kind of malformation the parser names, and the inputs on which it
// and net/http differ on purpose.
var responseSeeds = []string{
	"",
	"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
	"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA",
	"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end",
	"HTTP/1.1 201 Created\ncontent-length: 2\nX-A:1\nx-a:  2 \t\n\nok",
	"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
	"HTTP/1.1 204 No Content\r\n\r\n",
	"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
	"HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
	"HTTP/1.1 200 \r\n\r\nbody",
	"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3, 3\r\n\r\nabc",
	"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 003\r\n\r\nabc",
	"HTTP/1.1 200 OK\r\nConnection: close\r\nPragma: no-cache\r\n\r\nx",
	"garbage\r\n\r\n",
	"\r\nHTTP/1.1 200 OK\r\n\r\n",
	"HTTP/2 200 OK\r\n\r\n",
	"HTTP/1.2 200 OK\r\n\r\n",
	"HTTP/1.1 2000 OK\r\n\r\n",
	"HTTP/1.1 099 Low\r\n\r\n",
	"HTTP/1.1 600 High\r\n\r\n",
	"HTTP/1.1  200 OK\r\n\r\n",
	"HTTP/1.1 200 O\x01K\r\n\r\n",
	"HTTP/1.1 200 OK\r\r\n\r\n",
	"HTTP/1.1 200 OK\r\nContent-",
	"HTTP/1.1 200 OK\r\n\r",
	"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
	"HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n",
	"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
	"HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\nx",
	"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
	"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
	"HTTP/1.1 200 OK\r\nContent-Length: 4611686018427387904\r\n\r\nx",
	"HTTP/1.1 200 OK\r\nContent-Length: 16777216\r\n\r\nx",
	"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
	"HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\n\r\n",
	"HTTP/1.1 200 OK\r\n X-A: a\r\n\r\n",
	"HTTP/1.1 200 OK\r\nNonsense\r\n\r\n",
	"HTTP/1.1 200 OK\r\nX-A : 1\r\n\r\n",
	"HTTP/1.1 200 OK\r\n: 1\r\n\r\n",
	"HTTP/1.1 200 OK\r\nX-A: a\x00b\r\n\r\n",
	"HTTP/1.1 200 OK\r\nX-A: caf\xc3\xa9 \xff\r\n\r\n",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
	"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
	"HTTP/1.1 100 Continue\r\nContent-Length: x\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
	"HTTP/1.1 101 Switching Protocols\r\n\r\n",
	"HTTP/1.1 100 Continue\r\n\r\n",
}

// parsed is what parseInReads saw: the response or the error, and
// whether interim responses came first.
type parsed struct {
	resp    Response
	err     error
	interim bool // a 1xx head was skipped
	body    int  // where the body starts in the input; -1 if no head was parsed
	length  int  // the body's length from Content-Length, or -1
}

// parseInReads feeds input to a new parser as a socket would: each read
// fills at most the room the parser offers, and at most the next of sizes
// (b+1 bytes for a byte b; sizes repeats), or the whole room if sizes is
// empty; a read of 0 bytes is end of stream. It fails t if the parser
// offers an empty room to an incomplete response, or lets its buffer grow
// much past the bytes it holds.
func parseInReads(t *testing.T, input, sizes []byte) parsed {
	t.Helper()
	p := newResponseParser()
	rest := input
	for i := 0; ; i++ {
		room := p.room()
		if len(room) == 0 {
			t.Fatalf("the parser has no room after %d of %d bytes, with the response incomplete", len(p.buf), len(input))
		}
		if len(sizes) > 0 {
			room = room[:min(len(room), int(sizes[i%len(sizes)])+1)]
		}
		n := copy(room, rest)
		rest = rest[n:]
		done, err := p.advance(n)
		if c, limit := cap(p.buf), max(firstReadSize, 3*len(p.buf)); c > limit {
			t.Fatalf("the parser holds %d bytes in a buffer of %d; want at most %d", len(p.buf), c, limit)
		}
		if p.body < 0 && err == nil && p.scanned != len(p.buf) {
			t.Fatalf("the search for the end of the head stopped at %d of %d bytes; the next read would search them again", p.scanned, len(p.buf))
		}
		if err != nil || done {
			return parsed{resp: p.resp, err: err, interim: p.head > 0, body: p.body, length: p.length}
		}
	}
}

// diff describes how a and b differ, or returns "" if they do not.
func (a parsed) diff(b parsed) string {
	switch {
	case (a.err == nil) != (b.err == nil) || a.err != nil && a.err.Error() != b.err.Error():
		return fmt.Sprintf("error %v and error %v", a.err, b.err)
	case a.err != nil:
		return ""
	case a.resp.Proto != b.resp.Proto || a.resp.Status != b.resp.Status || a.resp.Reason != b.resp.Reason:
		return fmt.Sprintf("status line %s %d %q and %s %d %q", a.resp.Proto, a.resp.Status, a.resp.Reason, b.resp.Proto, b.resp.Status, b.resp.Reason)
	case !headersEqual(a.resp.Header, b.resp.Header):
		return fmt.Sprintf("header %q and %q", a.resp.Header, b.resp.Header)
	case !bytes.Equal(a.resp.Body, b.resp.Body):
		return fmt.Sprintf("body %q and %q", a.resp.Body, b.resp.Body)
	case a.interim != b.interim:
		return fmt.Sprintf("interim responses seen: %v and %v", a.interim, b.interim)
	}
	return ""
}

func headersEqual[H ~map[string][]string](a, b H) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !slices.Equal(v, w) {
			return false
		}
	}
	return true
}

// The grammar of RFC 9112 sections 4 and 5, and RFC 9110 section 5.6.2,
// for the lines this parser takes: a status line of HTTP/1.0 or 1.1 with a
// status from 100 to 599 and a reason, perhaps empty, without control
// characters (the RFC's reason-phrase is HTAB, SP, VCHAR and obs-text); a
// header line of a token, a colon and a value of the same characters. The
// space before the reason is optional here, as it is in the parser: RFC
// 9112 asks a client to accept a status line without one.
var (
	statusLineRE = regexp.MustCompile(`^HTTP/1\.[01] [1-5][0-9][0-9](?: [^\x00-\x08\x0a-\x1f\x7f]*)?$`)
	headerLineRE = regexp.MustCompile(`^[-!#$%&'*+.^_|~0-9A-Za-z` + "`" + `]+:[^\x00-\x08\x0a-\x1f\x7f]*$`)
)

// checkParsed checks r, the result of parsing input, against the RFC's
// grammar, and its error, if any, for a sentinel and a clear message.
func checkParsed(t *testing.T, input []byte, r parsed) {
	t.Helper()
	if r.err != nil {
		checkParseError(t, input, r.err)
		return
	}
	// Every line of every head must be one the grammar allows: the first
	// line of a head is a status line, the rest header lines.
	statusNext := true
	for l := range strings.Lines(string(input[:r.body])) {
		l = strings.TrimSuffix(strings.TrimSuffix(l, "\n"), "\r")
		switch {
		case l == "":
			statusNext = true
			continue
		case statusNext && !statusLineRE.MatchString(l):
			t.Errorf("accepted the status line %q, which RFC 9112 does not allow", l)
		case !statusNext && !headerLineRE.MatchString(l):
			t.Errorf("accepted the header line %q, which RFC 9112 does not allow", l)
		}
		statusNext = false
	}
	// The body must be what the framing says: none for 204 and 304, the
	// first number of Content-Length, or the rest of the input.
	want := input[r.body:]
	switch lengths := r.resp.Header.Values("Content-Length"); {
	case r.resp.Status == 204 || r.resp.Status == 304:
		want = want[:0]
	case len(lengths) > 0:
		first, _, _ := strings.Cut(lengths[0], ",")
		n, err := strconv.Atoi(strings.Trim(first, " \t"))
		if err != nil || n > len(want) {
			t.Fatalf("accepted Content-Length %q with a body of %d bytes", lengths, len(r.resp.Body))
		}
		want = want[:n]
	}
	if !bytes.Equal(r.resp.Body, want) || len(r.resp.Body) > MaxBodyBytes {
		t.Errorf("status %d, Content-Length %q: body %q; want %q", r.resp.Status, r.resp.Header.Values("Content-Length"), r.resp.Body, want)
	}
}

// checkParseError checks that err, the error of parsing input, wraps one
// of the parser's sentinels and quotes only text of the input, and that a
// status line or header line it refuses is one the grammar refuses too.
func checkParseError(t *testing.T, input []byte, err error) {
	t.Helper()
	msg := err.Error()
	if !errors.Is(err, ErrBadResponse) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("error %q wraps none of ErrBadResponse, ErrTooLarge and errors.ErrUnsupported", msg)
	}
	quoted, ok := firstQuoted(msg)
	if !ok {
		return
	}
	// A quoted list of field values is joined with ", ".
	for part := range strings.SplitSeq(quoted, ", ") {
		if !bytes.Contains(input, []byte(part)) {
			t.Errorf("error %q quotes %q, which is not in the response", msg, part)
		}
	}
	switch {
	case strings.Contains(msg, "status line") && statusLineRE.MatchString(quoted):
		t.Errorf("refused the status line %q, which RFC 9112 allows: %v", quoted, err)
	case strings.Contains(msg, "header line") && headerLineRE.MatchString(quoted):
		t.Errorf("refused the header line %q, which RFC 9112 allows: %v", quoted, err)
	}
}

// firstQuoted returns the text of the first Go-quoted string in msg.
func firstQuoted(msg string) (string, bool) {
	i := strings.IndexByte(msg, '"')
	if i < 0 {
		return "", false
	}
	q, err := strconv.QuotedPrefix(msg[i:])
	if err != nil {
		return "", false
	}
	s, err := strconv.Unquote(q)
	return s, err == nil
}

// compareWithNetHTTP parses input with net/http and compares the result
// with ours.
func compareWithNetHTTP(t *testing.T, input []byte, ours parsed) {
	t.Helper()
	ref, body, interim, refErr := readWithNetHTTP(input)
	switch {
	case ours.err != nil && refErr != nil:
		return
	case ours.err != nil || refErr != nil:
		if why := netHTTPDifference(input, ours, ref, refErr); why == "" {
			t.Errorf("this parser says %v; net/http says %v (status %v)", ours.err, refErr, statusOf(ref))
		}
		return
	}
	got := ours.resp
	reason := strings.TrimPrefix(strings.TrimPrefix(ref.Status, strconv.Itoa(ref.StatusCode)), " ")
	if got.Proto != ref.Proto || got.Status != ref.StatusCode || got.Reason != reason {
		t.Errorf("status line %s %d %q; net/http reads %s %d %q", got.Proto, got.Status, got.Reason, ref.Proto, ref.StatusCode, reason)
	}
	if !bytes.Equal(got.Body, body) {
		t.Errorf("body %q; net/http reads %q", got.Body, body)
	}
	if ours.interim != interim {
		t.Errorf("interim responses seen: %v; net/http: %v", ours.interim, interim)
	}
	// net/http keeps one Content-Length, removes "Connection: close" from
	// an HTTP/1.1 response, and adds "Cache-Control: no-cache" when it
	// sees "Pragma: no-cache"; the other fields must be the same.
	for name, values := range got.Header {
		if refValues, ok := ref.Header[name]; name != "Content-Length" && !(name == "Connection" && !ok) && !slices.Equal(values, refValues) {
			t.Errorf("header field %s: %q; net/http reads %q", name, values, refValues)
		}
	}
	for name, refValues := range ref.Header {
		if _, ok := got.Header[name]; !ok && !(name == "Cache-Control" && ref.Header.Get("Pragma") == "no-cache") {
			t.Errorf("header field %s is missing; net/http reads %q", name, refValues)
		}
	}
}

// readWithNetHTTP parses input with net/http's ReadResponse, skipping 1xx
// interim responses (but not 101) as http.Transport does, and reads the
// body to the end.
func readWithNetHTTP(input []byte) (resp *http.Response, body []byte, interim bool, err error) {
	br := bufio.NewReader(bytes.NewReader(input))
	for {
		resp, err = http.ReadResponse(br, nil)
		if err != nil {
			return nil, nil, interim, err
		}
		if resp.StatusCode >= 100 && resp.StatusCode < 200 && resp.StatusCode != 101 {
			interim = true
			continue
		}
		body, err = io.ReadAll(resp.Body)
		return resp, body, interim, err
	}
}

// netHTTPDifference says which intentional difference explains why this
// parser and net/http, which gave ref and refErr, disagree on input, or
// returns "" if none does. The differences:
//
//   - This parser follows RFC 9112 more strictly: it refuses protocols
//     other than HTTP/1.0 and HTTP/1.1, statuses outside 100 to 599,
//     several spaces after the protocol, control characters in the
//     reason, obsolete line folding, and blanks before a header's colon,
//     all of which net/http accepts; the grammar check in checkParsed
//     makes sure every such refusal is one the RFC backs.
//   - It refuses every Transfer-Encoding, chunked included, with
//     errors.ErrUnsupported (Get sends "Connection: close" and reads bodies
//     framed by Content-Length or end of stream), where net/http decodes
//     chunked and ignores the field in HTTP/1.0; and it refuses 101, which
//     net/http returns.
//   - It caps heads at MaxHeaderBytes and bodies at MaxBodyBytes; net/http
//     caps neither here.
//   - It takes Content-Length to be a list of values that must all be the
//     same number (RFC 9110 section 8.6 allows a recipient to take
//     "3, 3"), so "3, 3" and "03" next to "3" are 3; net/http wants one
//     value, the same text in every field.
//   - It does not look at the framing fields of a response that has no
//     body, 204, 304 or a 1xx interim response, where net/http checks
//     Content-Length and Transfer-Encoding anyway.
func netHTTPDifference(input []byte, ours parsed, ref *http.Response, refErr error) string {
	if ours.err == nil {
		// net/http refused what this parser accepted.
		refMsg := refErr.Error()
		framing := strings.Contains(refMsg, "Content-Length") || strings.Contains(refMsg, "transfer encoding")
		switch {
		case framing && (ours.interim || ours.resp.Status == 204 || ours.resp.Status == 304):
			return "framing fields of a response without a body are not looked at"
		case strings.Contains(refMsg, "Content-Length") && countLengths(ours.resp.Header) > 1:
			return "a Content-Length list of one number is that number"
		}
		return ""
	}
	// net/http accepted what this parser refused.
	msg := ours.err.Error()
	switch {
	case errors.Is(ours.err, errors.ErrUnsupported) && strings.Contains(msg, "Transfer-Encoding"):
		return "no Transfer-Encoding is supported"
	case errors.Is(ours.err, errors.ErrUnsupported) && ref.StatusCode == 101:
		return "101 is refused"
	case errors.Is(ours.err, ErrTooLarge) && len(input) >= MaxHeaderBytes:
		return "the head is over MaxHeaderBytes"
	case strings.Contains(msg, "status line") || strings.Contains(msg, "header line"):
		// checkParseError made sure the grammar refuses the line too.
		return "the RFC's grammar is followed more strictly"
	}
	return ""
}

// countLengths returns the number of values of Content-Length, counting
// each of a comma-separated list.
func countLengths(h map[string][]string) int {
	n := 0
	for _, v := range h["Content-Length"] {
		n += strings.Count(v, ",") + 1
	}
	return n
}

func statusOf(resp *http.Response) string {
	if resp == nil {
		return "none"
	}
	return resp.Status
}

// parseAllocation returns about how many bytes of heap parsing input in
// one read allocates. The runtime counts the small objects of a goroutine
// a span at a time, when the span is swapped out, so a count can take in
// what other goroutines allocated, a garbage collection's flush of every
// cache above all; the least of a few counts is near the truth, and a
// parser that allocated in proportion to what a response announces would
// be caught by every one of them.
func parseAllocation(t *testing.T, input []byte) uint64 {
	least := uint64(math.MaxUint64)
	for range 3 {
		before := heapAllocated()
		parseInReads(t, input, nil)
		least = min(least, heapAllocated()-before)
		if least <= parseAllocSlack {
			break
		}
	}
	return least
}

// heapAllocated returns the bytes allocated on the heap so far, in all.
func heapAllocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestResponseParserAnnouncedLength checks that a Content-Length, however
// large, allocates nothing ahead of the bytes: a length above MaxBodyBytes
// is refused at once, and one just below it leaves the buffer at its
// first size when only a few bytes come.
func TestResponseParserAnnouncedLength(t *testing.T) {
	for _, tt := range []struct {
		length string
		err    error
	}{
		{"4611686018427387904", ErrTooLarge}, // 2^62
		{"18446744073709551616", ErrTooLarge},
		{strconv.Itoa(MaxBodyBytes + 1), ErrTooLarge},
		{strconv.Itoa(MaxBodyBytes), ErrBadResponse}, // closed after 1 of them
	} {
		input := "HTTP/1.1 200 OK\r\nContent-Length: " + tt.length + "\r\n\r\nx"
		r := parseInReads(t, []byte(input), nil)
		if !errors.Is(r.err, tt.err) {
			t.Errorf("Content-Length %s: error %v; want %v", tt.length, r.err, tt.err)
		}
		p := newResponseParser()
		n := copy(p.room(), input)
		_, err := p.advance(n)
		if err != nil && !errors.Is(err, ErrTooLarge) {
			t.Errorf("Content-Length %s: %v", tt.length, err)
		}
		if err == nil {
			p.room() // the room for the next read
		}
		if cap(p.buf) > firstReadSize {
			t.Errorf("Content-Length %s: buffer of %d bytes after %d were read; want %d", tt.length, cap(p.buf), n, firstReadSize)
		}
	}
}

// TestResponseParserHeadLimit checks both sides of MaxHeaderBytes: a head
// that ends on its last byte is read, one a byte longer is refused, in
// reads of any size. (These heads are too big to be good fuzz seeds.)
func TestResponseParserHeadLimit(t *testing.T) {
	head := func(n int) string {
		const start = "HTTP/1.1 200 OK\r\nX-Big: "
		return start + strings.Repeat("a", n-len(start)-len("\r\n\r\n")) + "\r\n\r\n"
	}
	for _, sizes := range [][]byte{nil, {0}, {254, 7}} {
		r := parseInReads(t, []byte(head(MaxHeaderBytes)+"body"), sizes)
		if r.err != nil || string(r.resp.Body) != "body" || len(r.resp.Header.Get("X-Big")) != MaxHeaderBytes-len("HTTP/1.1 200 OK\r\nX-Big: \r\n\r\n") {
			t.Errorf("a head of MaxHeaderBytes, in reads of %v: body %q, %v; want the response", sizes, r.resp.Body, r.err)
		}
		r = parseInReads(t, []byte(head(MaxHeaderBytes+1)), sizes)
		if !errors.Is(r.err, ErrTooLarge) || !strings.Contains(r.err.Error(), strconv.Itoa(MaxHeaderBytes)) {
			t.Errorf("a head of MaxHeaderBytes+1, in reads of %v: %v; want ErrTooLarge naming the limit", sizes, r.err)
		}
	}
}

// TestResponseParserLongLineByteByByte checks that a long header line
// that arrives a byte at a time is searched for its end once, not once
// per byte: FuzzResponseParser found that headEnd started each search at
// the start of the unfinished line, so that such a line of n bytes cost
// n*n/2 comparisons, a third of a second for one of 64 KiB.
func TestResponseParserLongLineByteByByte(t *testing.T) {
	input := "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Long: " + strings.Repeat("x", 32<<10) + "\r\n\r\n"
	p := newResponseParser()
	for i := range len(input) {
		p.room()[0] = input[i]
		done, err := p.advance(1)
		if err != nil || done != (i == len(input)-1) {
			t.Fatalf("after byte %d of %d: %v, %v", i+1, len(input), done, err)
		}
		if !done && p.scanned != len(p.buf) {
			t.Fatalf("after byte %d: the search stopped at %d, and the next read would search the line from there again", i+1, p.scanned)
		}
	}
	if got := p.resp.Header.Get("X-Long"); len(got) != 32<<10 {
		t.Errorf("X-Long has %d bytes; want %d", len(got), 32<<10)
	}
}
