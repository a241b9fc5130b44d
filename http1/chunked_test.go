package http1

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// chunkedResult is what decoding a whole input gave.
type chunkedResult struct {
	body     string
	consumed int
	done     bool
	err      string // the error's text, or ""
	status   int    // the error's status, or 0
}

// decodeChunked decodes in with a decoder under limits, as a connection
// would: the input arrives in pieces whose lengths are taken from cuts in
// turn (all at once if cuts is empty), and every call asks for at most
// maxData bytes of data. It checks the contract of every call.
func decodeChunked(t testing.TB, in []byte, cuts []int, maxData int, limits bodyLimits) chunkedResult {
	t.Helper()
	var d chunkedDecoder
	d.reset(limits)
	var res chunkedResult
	var body []byte
	pos, avail := 0, 0
	for k := 0; ; {
		if pos == avail {
			if avail == len(in) {
				break
			}
			step := len(in)
			if len(cuts) > 0 {
				step = cuts[k%len(cuts)]
				k++
			}
			avail = min(avail+step, len(in))
		}
		window := in[pos:avail]
		consumed, data, done, err := d.decode(window, maxData)
		switch {
		case consumed < 0 || consumed > len(window):
			t.Fatalf("decode consumed %d of %d bytes", consumed, len(window))
		case len(data) > maxData:
			t.Fatalf("decode returned %d bytes of data, asked for at most %d", len(data), maxData)
		case len(data) > 0 && &data[len(data)-1] != &window[consumed-1]:
			t.Fatalf("decode's data is not the end of the bytes it consumed")
		case err != nil && (done || len(data) > 0):
			t.Fatalf("decode returned an error with data or done")
		}
		pos += consumed
		body = append(body, data...)
		if err != nil {
			res.err = err.Error()
			var be *bodyError
			if !errors.As(err, &be) {
				t.Fatalf("error %v is not a *bodyError", err)
			}
			res.status = be.Status()
			break
		}
		if done {
			res.done = true
			break
		}
		if consumed == 0 && len(data) == 0 && pos < avail {
			t.Fatalf("decode made no progress at %d of %q", pos, in)
		}
	}
	res.body, res.consumed = string(body), pos
	return res
}

// decodeWhole decodes in given at once under the default limits.
func decodeWhole(t testing.TB, in string) chunkedResult {
	t.Helper()
	return decodeChunked(t, []byte(in), nil, len(in)+1, defaultBodyLimits())
}

// wantChunkedError decodes in and fails t unless it fails with status
// and an error text containing want.
func wantChunkedError(t *testing.T, in string, status int, want string) {
	t.Helper()
	res := decodeWhole(t, in)
	if res.err == "" {
		t.Errorf("%q decoded to %q (done %v), want an error", in, res.body, res.done)
		return
	}
	if res.status != status || !strings.Contains(res.err, want) {
		t.Errorf("%q: got %d %q, want %d and %q", in, res.status, res.err, status, want)
	}
}

// wantChunkedBody decodes in and fails t unless it is a complete body of
// want with nothing after it.
func wantChunkedBody(t *testing.T, in, want string) {
	t.Helper()
	res := decodeWhole(t, in)
	if res.err != "" || !res.done || res.body != want || res.consumed != len(in) {
		t.Errorf("%q: got %+v, want the body %q", in, res, want)
	}
}

// validChunked are complete chunked bodies and what they decode to.
var validChunked = []struct{ in, body string }{
	{"0\r\n\r\n", ""},
	{"3\r\nabc\r\n0\r\n\r\n", "abc"},
	{"3\r\nabc\r\n5\r\nhello\r\n0\r\n\r\n", "abchello"},
	{"A\r\n0123456789\r\na\r\n0123456789\r\n000\r\n\r\n", "01234567890123456789"},
	{"3;name=value\r\nabc\r\n0;last\r\n\r\n", "abc"},
	{"3 ; a = b ;c\t;d=\"q \\\" ;x\"\r\nabc\r\n0\r\n\r\n", "abc"},
	{"1\r\n\r\r\n1\r\n\n\r\n0\r\n\r\n", "\r\n"},
	{"2\r\nhi\r\n0\r\nExpires: never\r\nX-Sum:  abc def \r\nEmpty:\r\n\r\n", "hi"},
	{"0000000000000003\r\nabc\r\n0\r\n\r\n", "abc"},
}

func TestChunkedValid(t *testing.T) {
	for _, tc := range validChunked {
		wantChunkedBody(t, tc.in, tc.body)
	}
}

// TestChunkedEverySplit decodes every valid body split in two at every
// point, byte by byte, and with every call limited to one byte of data:
// the body, its end and the bytes consumed are the same.
func TestChunkedEverySplit(t *testing.T) {
	const next = "GET / HTTP/1.1\r\n" // a pipelined message after the body
	for _, tc := range validChunked {
		in := []byte(tc.in + next)
		want := decodeChunked(t, in, nil, len(in), defaultBodyLimits())
		if !want.done || want.body != tc.body || want.consumed != len(tc.in) {
			t.Fatalf("%q: got %+v, want %q ending at %d", tc.in, want, tc.body, len(tc.in))
		}
		for cut := 1; cut < len(in); cut++ {
			got := decodeChunked(t, in, []int{cut, len(in)}, len(in), defaultBodyLimits())
			if got != want {
				t.Fatalf("%q split at %d: got %+v, want %+v", tc.in, cut, got, want)
			}
		}
		for _, maxData := range []int{1, 2, 3} {
			if got := decodeChunked(t, in, []int{1}, maxData, defaultBodyLimits()); got != want {
				t.Fatalf("%q byte by byte, %d bytes of data a call: got %+v, want %+v", tc.in, maxData, got, want)
			}
		}
	}
}

// TestChunkedErrorEverySplit checks that an error, its text and where it
// stops do not depend on how the input was split.
func TestChunkedErrorEverySplit(t *testing.T) {
	for _, in := range []string{"12g4\r\n", "3\r\nabcX", "5;a=\"x\x01\"\r\n", "0\r\nA : b\r\n\r\n", "1\r\nx\r\n0\r\n\r\r"} {
		want := decodeWhole(t, in)
		if want.err == "" {
			t.Fatalf("%q: no error", in)
		}
		for cut := 1; cut < len(in); cut++ {
			if got := decodeChunked(t, []byte(in), []int{cut, len(in)}, len(in), defaultBodyLimits()); got != want {
				t.Fatalf("%q split at %d: got %+v, want %+v", in, cut, got, want)
			}
		}
	}
}

// RFC 9112 section 7.1: chunk-size = 1*HEXDIG, so nothing but hex digits.
func TestChunkedSizeNotHex(t *testing.T) {
	wantChunkedError(t, "12g4\r\n", 400, `invalid chunk size "12g"`)
	wantChunkedError(t, "g\r\n", 400, `invalid chunk size "g"`)
	wantChunkedError(t, "3.0\r\nabc\r\n0\r\n\r\n", 400, "invalid chunk size")
}

// RFC 9112 section 7.1: chunk-size = 1*HEXDIG, at least one digit.
func TestChunkedSizeEmpty(t *testing.T) {
	wantChunkedError(t, "\r\n", 400, `invalid chunk size "\r"`)
	wantChunkedError(t, ";a\r\n", 400, "invalid chunk size")
}

// RFC 9112 section 7.1: no sign in chunk-size (strconv would accept one).
func TestChunkedSizeSign(t *testing.T) {
	wantChunkedError(t, "+3\r\nabc\r\n0\r\n\r\n", 400, `invalid chunk size "+"`)
	wantChunkedError(t, "-3\r\n", 400, `invalid chunk size "-"`)
}

// RFC 9112 section 7.1: no "0x" prefix in chunk-size.
func TestChunkedSize0x(t *testing.T) {
	wantChunkedError(t, "0x3\r\nabc\r\n0\r\n\r\n", 400, `invalid chunk size "0x"`)
}

// RFC 9112 section 7.1: no whitespace before chunk-size.
func TestChunkedSizeLeadingWhitespace(t *testing.T) {
	wantChunkedError(t, " 3\r\nabc\r\n0\r\n\r\n", 400, `invalid chunk size " "`)
	wantChunkedError(t, "\t3\r\nabc\r\n0\r\n\r\n", 400, "invalid chunk size")
}

// RFC 9112 section 7.1.1: whitespace after chunk-size is BWS before a
// chunk extension, and allowed only there.
func TestChunkedSizeTrailingWhitespace(t *testing.T) {
	wantChunkedError(t, "3 \r\nabc\r\n0\r\n\r\n", 400, `invalid chunk size "3 \r"`)
	wantChunkedError(t, "3\t\r\nabc\r\n0\r\n\r\n", 400, "invalid chunk size")
	wantChunkedError(t, "3 x\r\nabc\r\n0\r\n\r\n", 400, "invalid chunk size")
	wantChunkedBody(t, "3 \t ;a\r\nabc\r\n0\r\n\r\n", "abc")
}

// RFC 9112 section 7.1: a chunk-size beyond 64 bits is rejected, not
// wrapped; so is one of more than 16 digits, leading zeros or not.
func TestChunkedSizeOverflow(t *testing.T) {
	huge := bodyLimits{body: 1<<63 - 1, chunkExt: 100, trailer: 100}
	for _, in := range []string{"8000000000000000\r\n", "ffffffffffffffff\r\n", "10000000000000000\r\n", "00000000000000001\r\n"} {
		res := decodeChunked(t, []byte(in), nil, 10, huge)
		if res.status != 400 || !strings.Contains(res.err, "chunk size too long") {
			t.Errorf("%q: got %+v, want chunk size too long", in, res)
		}
	}
	res := decodeChunked(t, []byte("7fffffffffffffff\r\nabc"), nil, 10, huge)
	if res.err != "" || res.body != "abc" {
		t.Errorf("the largest size: got %+v, want the data read", res)
	}
}

// RFC 9112 section 7.1.1: chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS
// "=" BWS chunk-ext-val ] ), names are tokens, values tokens or quoted
// strings. Valid ones are ignored; anything else is rejected.
func TestChunkedExtensionSyntax(t *testing.T) {
	for _, ext := range []string{";a", ";a=b", ";a=\"\"", ";a=\"x y\\\"z\\\\\"", " ;a", ";a;b;c=d", "; a = \"b\" ; c", ";!#$%&'*+-.^_`|~=x", ";a=\"\x80\xff\""} {
		wantChunkedBody(t, "1"+ext+"\r\nx\r\n0"+ext+"\r\n\r\n", "x")
	}
	for _, ext := range []string{";", "; ", ";=b", ";a=", ";a= ", ";a =", ";a b", ";a=b c", ";a=b ", ";a ", ";a=\"b", ";a=\"b\"c", ";a=\"\x00\"", ";a=\"\x7f\"", ";a=\"\\\x01\"", ";a=b=c", ";a,b", ";a=\"b\r\n", ";a@b", ";a=\"b\" x"} {
		wantChunkedError(t, "1"+ext+"\r\nx\r\n0\r\n\r\n", 400, "invalid chunk extension")
	}
}

// Chunk extensions are bounded over the whole body: each chunk's may be
// short, and a body of many chunks still hits the limit.
func TestChunkedExtensionLimit(t *testing.T) {
	limits := bodyLimits{body: 1 << 20, chunkExt: 20, trailer: 100}
	ok := "1;abcdefghi\r\nx\r\n1;abcdefghi\r\nx\r\n0\r\n\r\n" // 10 and 10 bytes
	if res := decodeChunked(t, []byte(ok), nil, 100, limits); !res.done {
		t.Errorf("20 bytes of extensions: %+v, want done", res)
	}
	bad := "1;abcdefghi\r\nx\r\n1;abcdefghi\r\nx\r\n0;\r\n\r\n"
	if res := decodeChunked(t, []byte(bad), nil, 100, limits); res.status != 400 || !strings.Contains(res.err, "chunk extensions too long") {
		t.Errorf("21 bytes of extensions: %+v, want chunk extensions too long", res)
	}
	spaces := "1" + strings.Repeat(" ", 30) + ";a\r\nx\r\n0\r\n\r\n"
	if res := decodeChunked(t, []byte(spaces), nil, 100, limits); !strings.Contains(res.err, "chunk extensions too long") {
		t.Errorf("30 spaces before an extension: %+v, want chunk extensions too long", res)
	}
}

// RFC 9112 section 7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data
// CRLF; the CRLF after the data is required exactly.
func TestChunkedDataCRLF(t *testing.T) {
	wantChunkedError(t, "3\r\nabcX\r\n0\r\n\r\n", 400, `chunk data not followed by CRLF "X"`)
	wantChunkedError(t, "3\r\nabcd\r\n0\r\n\r\n", 400, "chunk data not followed by CRLF")
	wantChunkedError(t, "3\r\nabc\n0\r\n\r\n", 400, `chunk data not followed by CRLF "\n"`)
	wantChunkedError(t, "3\r\nabc\r0\r\n\r\n", 400, `chunk data not followed by CRLF "\r0"`)
	wantChunkedError(t, "3\r\nabc0\r\n\r\n", 400, "chunk data not followed by CRLF")
}

// RFC 9112 section 2.2: a bare LF or a bare CR does not end a chunk-size
// line (a recipient MAY accept a bare LF; being strict, this one does not).
func TestChunkedSizeLineBareLF(t *testing.T) {
	wantChunkedError(t, "3\nabc\r\n0\r\n\r\n", 400, `invalid chunk size "3\n"`)
	wantChunkedError(t, "3;a\nabc\r\n0\r\n\r\n", 400, "invalid chunk extension")
	wantChunkedError(t, "3\rabc\r\n0\r\n\r\n", 400, `chunk size line not ended by CRLF "3\ra"`)
	wantChunkedError(t, "0\n\r\n", 400, "invalid chunk size")
}

// RFC 9112 section 7.1.2: trailer fields are field lines (section 5):
// a token name, a colon right after it, a value of VCHAR, obs-text, SP
// and HTAB; no obs-fold; each line and the section ended by CRLF.
func TestChunkedTrailerSyntax(t *testing.T) {
	cases := []struct{ trailer, want string }{
		{"A : b\r\n", `whitespace before the colon in trailer field "A "`},
		{"A\t: b\r\n", "whitespace before the colon"},
		{"A: b\r\n c\r\n", `obsolete line folding in trailer field " "`},
		{" A: b\r\n", `whitespace before the first trailer field " "`},
		{"A: b\r\n\tc\r\n", "obsolete line folding"},
		{"A b\r\n", "whitespace before the colon"},
		{"A\r\n", "trailer field line without a colon"},
		{": b\r\n", "empty name in trailer field"},
		{"A(: b\r\n", `invalid name in trailer field "A("`},
		{"A: b\x00c\r\n", `invalid value in trailer field "A: b\x00"`},
		{"A: b\x7f\r\n", "invalid value"},
		{"A: b\x01\r\n", "invalid value"},
		{"A: b\rc\r\n", `trailer field line not ended by CRLF "A: b\rc"`},
		{"A: b\nC: d\r\n", "invalid value in trailer field"},
		{"A: b\r\n\n", "invalid name in trailer field"},
		{"\n", "invalid name in trailer field"},
		{"\rX", `chunked body not ended by CRLF "\rX"`},
	}
	for _, tc := range cases {
		wantChunkedError(t, "1\r\nx\r\n0\r\n"+tc.trailer+"\r\n", 400, tc.want)
	}
	wantChunkedBody(t, "0\r\nA: \x80\xff\t\"x\"\r\nB:\r\n\r\n", "")
}

// The trailer section is bounded, its CRLFs included.
func TestChunkedTrailerLimit(t *testing.T) {
	limits := bodyLimits{body: 100, chunkExt: 100, trailer: 10}
	if res := decodeChunked(t, []byte("0\r\nAb: cd\r\n\r\n"), nil, 100, limits); !res.done {
		t.Errorf("10 bytes of trailer: %+v, want done", res)
	}
	res := decodeChunked(t, []byte("0\r\nAb: cde\r\n\r\n"), nil, 100, limits)
	if res.status != 400 || !strings.Contains(res.err, "trailer section too long") {
		t.Errorf("11 bytes of trailer: %+v, want trailer section too long", res)
	}
}

// A chunk that takes the body over the limit is a 413 as soon as its
// size is read, before its data.
func TestChunkedBodyLimit(t *testing.T) {
	limits := bodyLimits{body: 10, chunkExt: 100, trailer: 100}
	ok := "5\r\nabcde\r\n5\r\nfghij\r\n0\r\n\r\n"
	if res := decodeChunked(t, []byte(ok), nil, 100, limits); !res.done || res.body != "abcdefghij" {
		t.Errorf("a body at the limit: %+v, want done", res)
	}
	res := decodeChunked(t, []byte("5\r\nabcde\r\n6;"), nil, 100, limits)
	if res.status != 413 || res.err != "http1: body larger than the limit of 10 bytes" || res.body != "abcde" {
		t.Errorf("a body over the limit: %+v, want a 413 after the first chunk", res)
	}
}

// The decoder stops at the end of the body: what follows is the next
// message, and further calls consume nothing.
func TestChunkedStopsAtEnd(t *testing.T) {
	in := []byte("1\r\nx\r\n0\r\n\r\nPOST")
	var d chunkedDecoder
	d.reset(defaultBodyLimits())
	n, data, _, _ := d.decode(in, 100)
	if string(data) != "x" {
		t.Fatalf("first call: %q", data)
	}
	m, data, done, err := d.decode(in[n:], 100)
	if !done || err != nil || len(data) != 0 || string(in[n+m:]) != "POST" {
		t.Fatalf("second call: consumed %d, %q, %v, %v", m, data, done, err)
	}
	if m, _, done, _ := d.decode([]byte("POST"), 100); m != 0 || !done || !d.done() {
		t.Fatalf("after the end: consumed %d, done %v", m, done)
	}
}

// An error is sticky, and consumes nothing more.
func TestChunkedErrorSticky(t *testing.T) {
	var d chunkedDecoder
	d.reset(defaultBodyLimits())
	n, _, _, err := d.decode([]byte("1x"), 10)
	if err == nil || n != 1 {
		t.Fatalf("consumed %d, error %v; want 1 and an error", n, err)
	}
	n, _, _, err2 := d.decode([]byte("0\r\n\r\n"), 10)
	if n != 0 || err2 != err {
		t.Fatalf("after an error: consumed %d, error %v", n, err2)
	}
}

// An error quotes the end of a long line, the byte that failed last.
func TestChunkedErrorQuotesLineEnd(t *testing.T) {
	in := "1;" + strings.Repeat("a", 40) + "\x01\r\n"
	wantChunkedError(t, in, 400, `invalid chunk extension ..."`+strings.Repeat("a", 31)+`\x01"`)
}

// RFC 9112 section 6.2: a Content-Length body is the next n bytes, and a
// length over the limit is a 413 before any is read.
func TestLengthDecoder(t *testing.T) {
	var d lengthDecoder
	if err := d.reset(5, 10); err != nil {
		t.Fatal(err)
	}
	in := []byte("abcdefgh")
	n, data, done, err := d.decode(in[:2], 100)
	if n != 2 || string(data) != "ab" || done || err != nil {
		t.Fatalf("first: %d %q %v %v", n, data, done, err)
	}
	if n, data, done, _ = d.decode(in[2:], 1); n != 1 || string(data) != "c" || done {
		t.Fatalf("second: %d %q %v", n, data, done)
	}
	if n, data, done, _ = d.decode(in[3:], 100); n != 2 || string(data) != "de" || !done {
		t.Fatalf("third: %d %q %v", n, data, done)
	}
	if n, _, done, _ = d.decode(in[5:], 100); n != 0 || !done {
		t.Fatalf("after the end: %d %v", n, done)
	}
	err = d.reset(11, 10)
	var be *bodyError
	if !errors.As(err, &be) || be.Status() != 413 {
		t.Fatalf("a length over the limit: %v, want a 413", err)
	}
	if err := d.reset(0, 10); err != nil {
		t.Fatal(err)
	}
	if n, _, done, _ := d.decode(nil, 100); n != 0 || !done {
		t.Fatalf("an empty body: %d %v", n, done)
	}
}

func TestCheckFieldLine(t *testing.T) {
	for line, want := range map[string]string{
		"A: b":         "",
		"A:":           "",
		"a-b_c: \x80":  "",
		"A :b":         "whitespace before the colon",
		" A: b":        "obsolete line folding",
		":b":           "empty name",
		"A":            "no colon",
		"":             "no colon",
		"A: b\r\nC: d": "CR or LF",
		"A: \x00":      "invalid value",
		"A{: b":        "invalid name",
		"é: b":         "invalid name",
	} {
		if got := checkFieldLine([]byte(line)); got != want {
			t.Errorf("checkFieldLine(%q) = %q, want %q", line, got, want)
		}
	}
}

// TestChunkedEncodeDecode encodes random sequences of chunks and decodes
// them back, in random splits.
func TestChunkedEncodeDecode(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		var want, enc []byte
		for range rng.IntN(8) {
			chunk := make([]byte, rng.IntN(300))
			for i := range chunk {
				chunk[i] = byte(rng.IntN(256))
			}
			want = append(want, chunk...)
			before := len(enc)
			enc = appendChunk(enc, chunk)
			if len(chunk) > 0 && len(enc)-before != chunkLen(len(chunk)) {
				t.Fatalf("a chunk of %d bytes took %d, chunkLen says %d", len(chunk), len(enc)-before, chunkLen(len(chunk)))
			}
		}
		trailers := []byte(nil)
		if rng.IntN(2) == 0 {
			trailers = []byte("X-Sum: 12\r\nX-Other:  a b \r\n")
		}
		var err error
		before := len(enc)
		if enc, err = appendLastChunk(enc, trailers); err != nil {
			t.Fatal(err)
		}
		if len(enc)-before != lastChunkLen(trailers) {
			t.Fatalf("the end took %d bytes, lastChunkLen says %d", len(enc)-before, lastChunkLen(trailers))
		}
		cuts := []int{1 + rng.IntN(64), 1 + rng.IntN(64)}
		res := decodeChunked(t, enc, cuts, 1+rng.IntN(500), defaultBodyLimits())
		if !res.done || res.err != "" || res.body != string(want) || res.consumed != len(enc) {
			t.Fatalf("%q decoded to %+v", enc, res)
		}
	}
}

func TestChunkHeaderLen(t *testing.T) {
	for _, n := range []int{1, 15, 16, 255, 256, 4096, 1<<31 - 1, 1<<63 - 1} {
		if got, want := chunkHeaderLen(n), len(appendChunkHeader(nil, n)); got != want {
			t.Errorf("chunkHeaderLen(%d) = %d, want %d", n, got, want)
		}
	}
	if got := string(appendChunkHeader(nil, 0x1a2b)); got != "1a2b\r\n" {
		t.Errorf("header of 0x1a2b: %q", got)
	}
}

// Trailers to send are checked as received ones are, so that a trailer
// cannot end the message early or inject a line.
func TestAppendLastChunkChecksTrailers(t *testing.T) {
	for _, bad := range []string{"A: b", "A: b\r\n\r\nGET / HTTP/1.1\r\n", "A : b\r\n", "A: b\nC: d\r\n", " A: b\r\n", "A\r\n"} {
		dst, err := appendLastChunk([]byte("x"), []byte(bad))
		if err == nil || string(dst) != "x" {
			t.Errorf("trailers %q: %q, %v; want an error and nothing appended", bad, dst, err)
		}
	}
	dst, err := appendLastChunk(nil, nil)
	if err != nil || string(dst) != lastChunk {
		t.Errorf("no trailers: %q, %v", dst, err)
	}
}

func TestChunkedAllocs(t *testing.T) {
	in := chunkedBody(64<<10, 4<<10)
	var d chunkedDecoder
	out := make([]byte, 0, 64<<10+64)
	allocs := testing.AllocsPerRun(20, func() {
		d.reset(defaultBodyLimits())
		decodeLoop(&d, in)
		out = out[:0]
		for off := 0; off < 64<<10; off += 4 << 10 {
			out = appendChunk(out, in[:4<<10])
		}
		out, _ = appendLastChunk(out, nil)
	})
	if allocs != 0 {
		t.Errorf("decoding and encoding a body: %v allocations, want 0", allocs)
	}
}

// chunkedBody returns a chunked body of size bytes in chunks of chunk
// bytes.
func chunkedBody(size, chunk int) []byte {
	data := bytes.Repeat([]byte("0123456789abcdef"), chunk/16+1)[:chunk]
	var enc []byte
	for off := 0; off < size; off += chunk {
		enc = appendChunk(enc, data[:min(chunk, size-off)])
	}
	enc, _ = appendLastChunk(enc, nil)
	return enc
}

// decodeLoop decodes all of in and returns the bytes of body data.
func decodeLoop(d *chunkedDecoder, in []byte) int {
	n := 0
	for {
		consumed, data, done, err := d.decode(in, len(in))
		in = in[consumed:]
		n += len(data)
		if done || err != nil || consumed == 0 {
			return n
		}
	}
}

// BenchmarkChunkedDecode decodes a 64 KiB body sent in 4 KiB chunks.
func BenchmarkChunkedDecode(b *testing.B) {
	in := chunkedBody(64<<10, 4<<10)
	b.SetBytes(64 << 10)
	b.ReportAllocs()
	var d chunkedDecoder
	for b.Loop() {
		d.reset(defaultBodyLimits())
		if decodeLoop(&d, in) != 64<<10 || !d.done() {
			b.Fatal("the body did not decode")
		}
	}
}

// BenchmarkChunkedEncode frames a 64 KiB body in 4 KiB chunks into a
// buffer, as a response writer copies its writes.
func BenchmarkChunkedEncode(b *testing.B) {
	data := bytes.Repeat([]byte("x"), 4<<10)
	out := make([]byte, 0, 16*chunkLen(len(data))+lastChunkLen(nil))
	b.SetBytes(64 << 10)
	b.ReportAllocs()
	for b.Loop() {
		out = out[:0]
		for range 16 {
			out = appendChunk(out, data)
		}
		out, _ = appendLastChunk(out, nil)
	}
}

// BenchmarkChunkedEncodeHeader frames a 64 KiB body in 4 KiB chunks
// without copying it: only the headers and CRLFs are written, as a
// response writer does for a write it sends straight from the caller's
// buffer.
func BenchmarkChunkedEncodeHeader(b *testing.B) {
	out := make([]byte, 0, 64)
	b.SetBytes(64 << 10)
	b.ReportAllocs()
	for b.Loop() {
		for range 16 {
			out = appendChunkHeader(out[:0], 4<<10)
			out = append(out[:0], crlf...)
		}
		out, _ = appendLastChunk(out[:0], nil)
	}
}
