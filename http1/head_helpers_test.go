package http1

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// parseReq parses s whole with a fresh head and the limits lim.
func parseReq(s string, lim *limits) (*requestHead, int, error) {
	h := new(requestHead)
	h.reset()
	n, err := parseRequestHead([]byte(s), lim, h)
	return h, n, err
}

// statusOf is the outcome of a parse as one number: 200 for a complete
// head, 0 for "needs more", else the error's status (-1 for an error that
// is not a *headError).
func statusOf(n int, err error) int {
	if err != nil {
		var he *headError
		if errors.As(err, &he) {
			return he.Status()
		}
		return -1
	}
	if n > 0 {
		return 200
	}
	return 0
}

// wantReq checks that s parses whole to status.
func wantReq(t *testing.T, s string, status int) *requestHead {
	t.Helper()
	h, n, err := parseReq(s, nil)
	if got := statusOf(n, err); got != status {
		t.Errorf("parse %q: status %d (n=%d, err=%v), want %d", s, got, n, err, status)
	}
	if status == 200 && n != len(s) {
		t.Errorf("parse %q: n=%d, want %d", s, n, len(s))
	}
	return h
}

// describeReq is everything a request parse produced, for comparing two
// parses of the same bytes.
func describeReq(h *requestHead, n int, err error) string {
	if err != nil {
		var he *headError
		if errors.As(err, &he) {
			return fmt.Sprintf("error %d %s", he.status, he.what)
		}
		return "error " + err.Error()
	}
	if n == 0 {
		return "more"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "n=%d %q %q 1.%d form=%d host=%q/%d cl=%d te=%v chunked=%v other=%v close=%v ka=%v keep=%v 100=%v exp=%v\n",
		n, h.method(), h.target(), h.minor, h.form, h.host(), h.hostCount, h.contentLength,
		h.hasTE, h.chunked, h.otherCoding, h.connClose, h.connKeepAlive, h.keepAlive, h.expectContinue, h.expectOther)
	for i := 0; i < h.fields.len(); i++ {
		fmt.Fprintf(&b, "%q: %q\n", h.fields.name(i), h.fields.value(i))
	}
	return b.String()
}

// describeResp is describeReq for a response head.
func describeResp(h *responseHead, n int, err error) string {
	if err != nil {
		var he *headError
		if errors.As(err, &he) {
			return fmt.Sprintf("error %d %s", he.status, he.what)
		}
		return "error " + err.Error()
	}
	if n == 0 {
		return "more"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "n=%d 1.%d %d %q cl=%d te=%v chunked=%v other=%v close=%v ka=%v\n",
		n, h.minor, h.status, h.reason(), h.contentLength, h.hasTE, h.chunked, h.otherCoding, h.connClose, h.connKeepAlive)
	for i := 0; i < h.fields.len(); i++ {
		fmt.Fprintf(&b, "%q: %q\n", h.fields.name(i), h.fields.value(i))
	}
	return b.String()
}

// splitReq parses data fed in the pieces that cuts makes of it (each cut
// an offset, increasing), stopping at the first call that completes or
// fails, the way a server calls the parser after each read. Each call gets
// a fresh copy of the bytes so far, as if the buffer had moved.
func splitReq(data []byte, lim *limits, cuts ...int) string {
	h := new(requestHead)
	h.reset()
	var n int
	var err error
	for _, end := range append(cuts, len(data)) {
		buf := append([]byte(nil), data[:end]...)
		n, err = parseRequestHead(buf, lim, h)
		if err != nil || n > 0 {
			break
		}
	}
	return describeReq(h, n, err)
}

// splitResp is splitReq for a response head.
func splitResp(data []byte, lim *limits, cuts ...int) string {
	h := new(responseHead)
	h.reset()
	var n int
	var err error
	for _, end := range append(cuts, len(data)) {
		buf := append([]byte(nil), data[:end]...)
		n, err = parseResponseHead(buf, lim, h)
		if err != nil || n > 0 {
			break
		}
	}
	return describeResp(h, n, err)
}
