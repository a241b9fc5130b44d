package delayserver

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// This file is the protocol both implementations serve: what a path
// means, the reasons of the errors, and the log. It uses only the
// standard library, so that the net/http implementation runs no code of
// the runtime.

// MaxDelay is the longest delay a request may ask for. It bounds how long
// one request can hold a connection and a goroutine, so that a typo in a
// test fails fast with 400 instead of parking the server for hours.
const MaxDelay = 60 * time.Second

// textPlain is the Content-Type of every response, answers and errors.
const textPlain = "text/plain; charset=utf-8"

// methodNotAllowed is the reason of a 405.
func methodNotAllowed(method string) string {
	return fmt.Sprintf("method %q not allowed; only GET is", method)
}

// parsePath splits an escaped path of the form /{delay_ms}/{message} into
// the delay and the unescaped message. The message is everything after the
// second slash and may contain slashes itself.
func parsePath(path string) (time.Duration, string, error) {
	rawDelay, rawMsg, found := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	delay, err := parseDelay(rawDelay)
	if err != nil {
		return 0, "", err
	}
	if !found || rawMsg == "" {
		return 0, "", fmt.Errorf("missing message after the delay in path %q", path)
	}
	// net/http already rejects requests with malformed escapes, and
	// EscapedPath re-escapes anything it cannot vouch for; http1 hands
	// the path over as received, so for the Async implementation this is
	// the check that answers a malformed escape.
	msg, err := url.PathUnescape(rawMsg)
	if err != nil {
		return 0, "", fmt.Errorf("invalid message %q: %v", rawMsg, err)
	}
	return delay, msg, nil
}

// parseDelay parses a delay in whole milliseconds, from 0 to MaxDelay.
func parseDelay(s string) (time.Duration, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) && strings.HasPrefix(s, "-"):
		n = -1 // too negative to represent, but negative all the same
	case errors.Is(err, strconv.ErrRange):
		n = MaxDelay.Milliseconds() + 1
	case err != nil:
		return 0, fmt.Errorf("invalid delay %q: not a whole number of milliseconds", s)
	}
	if n < 0 {
		return 0, fmt.Errorf("invalid delay %q: negative", s)
	}
	if n > MaxDelay.Milliseconds() {
		return 0, fmt.Errorf("invalid delay %q: above the cap of %dms", s, MaxDelay.Milliseconds())
	}
	return time.Duration(n) * time.Millisecond, nil
}

// requestLog numbers the valid requests of one server and writes their
// lines. Both implementations call it from several goroutines at once.
type requestLog struct {
	w io.Writer

	// mu serializes writes to w and guards n. Numbering under the same
	// lock as the write keeps the numbers in the log in ascending order,
	// which a bare atomic counter would not.
	mu sync.Mutex
	n  uint64
}

// newRequestLog returns a log writing to w; a nil w discards the lines.
func newRequestLog(w io.Writer) *requestLog {
	if w == nil {
		w = io.Discard
	}
	return &requestLog{w: w}
}

// request numbers a valid request and writes its line. Write errors are
// ignored: a broken log must not fail the requests it describes.
func (l *requestLog) request(delay time.Duration, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	fmt.Fprintf(l.w, "#%d - %dms: %s\n", l.n, delay.Milliseconds(), msg)
}
