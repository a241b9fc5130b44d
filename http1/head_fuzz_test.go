package http1

import (
	"bytes"
	"testing"
)

// headFuzzLimits are small limits, so that the fuzzer reaches them with short
// inputs.
var headFuzzLimits = limits{startLine: 40, headerBytes: 200, headerCount: 4}

func headFuzzLimit(small bool) *limits {
	if small {
		return &headFuzzLimits
	}
	return nil
}

// splitPoints are the places a fuzz input is split at: all of them for a
// short input, 64 spread over a long one (every split is a parse and a
// description, and the fuzzer minimizes with many runs).
func splitPoints(n int) []int {
	const most = 64
	if n <= most {
		p := make([]int, n+1)
		for i := range p {
			p[i] = i
		}
		return p
	}
	p := make([]int, 0, most+1)
	for i := 0; i <= most; i++ {
		p = append(p, i*n/most)
	}
	return p
}

// checkHeadBytes checks what holds of every accepted head: it ends in
// CRLF CRLF and holds no bare CR or bare LF.
func checkHeadBytes(t *testing.T, head []byte) {
	if !bytes.HasSuffix(head, []byte("\r\n\r\n")) {
		t.Fatalf("accepted head does not end in CRLF CRLF: %q", head)
	}
	for i, c := range head {
		if c == '\n' && (i == 0 || head[i-1] != '\r') {
			t.Fatalf("accepted head has a bare LF at %d: %q", i, head)
		}
		if c == '\r' && (i+1 == len(head) || head[i+1] != '\n') {
			t.Fatalf("accepted head has a bare CR at %d: %q", i, head)
		}
	}
}

// checkFields checks the field list of an accepted head: token names,
// values of valid bytes without surrounding whitespace, within the count.
func checkFields(t *testing.T, f *fields, lim limits) {
	if f.len() > lim.headerCount {
		t.Fatalf("%d fields, limit %d", f.len(), lim.headerCount)
	}
	for i := 0; i < f.len(); i++ {
		if !isToken(f.name(i)) {
			t.Fatalf("field name %q is not a token", f.name(i))
		}
		v := f.value(i)
		if len(trimOWS(v)) != len(v) {
			t.Fatalf("field value %q keeps whitespace", v)
		}
		for _, c := range v {
			if charClass[c]&classValue == 0 {
				t.Fatalf("field value %q holds %q", v, c)
			}
		}
	}
}

func checkStatus(t *testing.T, err error, allowed ...int) {
	s := statusOf(0, err)
	for _, a := range allowed {
		if s == a {
			return
		}
	}
	t.Fatalf("error %v with status %d", err, s)
}

func FuzzRequestHead(f *testing.F) {
	for _, tc := range goodRequests {
		f.Add([]byte(tc.head), false)
	}
	for _, tc := range hostileRequests {
		if len(tc.head) < 1000 {
			f.Add([]byte(tc.head), false)
			f.Add([]byte(tc.head), true)
		}
	}
	f.Add([]byte(browserHead+"POST / HTTP/1.1\r\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, small bool) {
		lim := headFuzzLimit(small)
		h := new(requestHead)
		h.reset()
		n, err := parseRequestHead(data, lim, h)
		if n < 0 || n > len(data) || n > 0 && err != nil {
			t.Fatalf("n=%d of %d, err=%v", n, len(data), err)
		}
		whole := describeReq(h, n, err)
		for _, i := range splitPoints(len(data)) {
			if got := splitReq(data, lim, i); got != whole {
				t.Fatalf("split at %d:\n%s\nwhole:\n%s", i, got, whole)
			}
		}
		if err != nil {
			checkStatus(t, err, 400, 414, 431, 501, 505)
			return
		}
		if n == 0 {
			return
		}
		// The head alone parses the same: nothing after it was looked at.
		if got := describeReq(parseReq(string(data[:n]), lim)); got != whole {
			t.Fatalf("head alone:\n%s\nwith what follows:\n%s", got, whole)
		}
		l := lim.orDefault()
		if n > l.headerBytes {
			t.Fatalf("head of %d bytes, limit %d", n, l.headerBytes)
		}
		checkHeadBytes(t, data[:n])
		checkFields(t, &h.fields, l)
		if !isToken(h.method()) {
			t.Fatalf("method %q", h.method())
		}
		if h.contentLength >= 0 && h.hasTE {
			t.Fatal("accepted both Content-Length and Transfer-Encoding")
		}
		if h.hasTE && (!h.chunked || h.otherCoding || h.minor == 0) {
			t.Fatal("accepted a Transfer-Encoding other than chunked alone in HTTP/1.1")
		}
		if h.hostCount > 1 || h.minor == 1 && h.hostCount != 1 {
			t.Fatalf("accepted %d Host fields in HTTP/1.%d", h.hostCount, h.minor)
		}
		for _, c := range h.target() {
			if charClass[c]&classTarget == 0 {
				t.Fatalf("target %q", h.target())
			}
		}
	})
}

func FuzzResponseHead(f *testing.F) {
	for _, tc := range responseHeads {
		if len(tc.head) < 1000 {
			f.Add([]byte(tc.head), false)
			f.Add([]byte(tc.head), true)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, small bool) {
		lim := headFuzzLimit(small)
		h := new(responseHead)
		h.reset()
		n, err := parseResponseHead(data, lim, h)
		if n < 0 || n > len(data) || n > 0 && err != nil {
			t.Fatalf("n=%d of %d, err=%v", n, len(data), err)
		}
		whole := describeResp(h, n, err)
		for _, i := range splitPoints(len(data)) {
			if got := splitResp(data, lim, i); got != whole {
				t.Fatalf("split at %d:\n%s\nwhole:\n%s", i, got, whole)
			}
		}
		if err != nil {
			checkStatus(t, err, 400, 414, 431, 505)
			return
		}
		if n == 0 {
			return
		}
		checkHeadBytes(t, data[:n])
		checkFields(t, &h.fields, lim.orDefault())
		if h.status < 100 || h.status > 599 {
			t.Fatalf("status %d", h.status)
		}
		if h.contentLength >= 0 && h.hasTE {
			t.Fatal("accepted both Content-Length and Transfer-Encoding")
		}
		for _, m := range []string{"GET", "HEAD", "CONNECT"} {
			fr := responseFraming([]byte(m), h)
			switch {
			case fr == framingChunked && !h.chunked,
				fr == framingLength && h.contentLength < 0,
				fr != framingNone && (m == "HEAD" || h.status < 200 || h.status == 204 || h.status == 304):
				t.Fatalf("%s: framing %d for %s", m, fr, whole)
			}
			if responseKeepAlive([]byte(m), h) && (fr == framingClose || h.connClose) {
				t.Fatalf("%s: keep-alive with framing %d for %s", m, fr, whole)
			}
		}
	})
}
