package http1

import (
	"errors"
	"net"
	"net/url"
	"os"
	"strings"
	"time"
)

// Error is the error of a request the Client could not complete: the
// method and URL of the request and the step that failed, as in
//
//	http1: GET http://127.0.0.1:7/x: connect: dial tcp 127.0.0.1:7: connect: connection refused
//
// Op is one of "request" (the request itself is invalid), "wait for a
// connection" (MaxPerHost's line, when the Timeout ran out there),
// "connect", "write request", "read request body" (the request's Body
// failed), "read response head", "read body" and "redirect". errors.Is and
// errors.As see through it to Err; a timeout satisfies
// errors.Is(err, os.ErrDeadlineExceeded), and Timeout reports it, as
// net.Error asks.
type Error struct {
	Method string // the request's method
	URL    string // the request's URL, its password redacted
	Op     string // the step that failed
	Err    error  // what failed
}

// Error returns "http1: METHOD URL: op: cause".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("http1: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.URL)
	b.WriteString(": ")
	b.WriteString(e.Op)
	b.WriteString(": ")
	// The package's own errors start with "http1: " as well; once is
	// enough.
	b.WriteString(strings.TrimPrefix(e.Err.Error(), "http1: "))
	return b.String()
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// Timeout reports whether the request failed because a timeout ran out:
// the Client's Timeout or ConnectTimeout, or one that Err reports.
func (e *Error) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.Err, &t) && t.Timeout()
}

// Temporary reports the same as Timeout. It is there so that *Error is a
// net.Error, whose interface still has it (deprecated: the net package
// says most temporary errors are timeouts).
func (e *Error) Temporary() bool { return e.Timeout() }

var _ net.Error = (*Error)(nil)

// newError makes the *Error of req failing at op with err.
func newError(req *ClientRequest, op string, err error) *Error {
	e := &Error{Op: op, Err: err}
	if req != nil {
		e.Method = req.Method
		e.URL = redactedURL(req.URL)
	}
	return e
}

func redactedURL(u *url.URL) string {
	if u == nil {
		return "<nil URL>"
	}
	return u.Redacted()
}

// clientTimeout is a timeout of the Client's: which one ran out, and its
// length. Like the net package's timeouts it satisfies
// errors.Is(err, os.ErrDeadlineExceeded) and has a Timeout method.
type clientTimeout struct {
	what string // "connect timeout", "request timeout"
	d    time.Duration
}

func (e *clientTimeout) Error() string {
	return e.what + " of " + e.d.String() + " exceeded"
}

func (e *clientTimeout) Timeout() bool        { return true }
func (e *clientTimeout) Temporary() bool      { return true }
func (e *clientTimeout) Is(target error) bool { return target == os.ErrDeadlineExceeded }

// The causes of errors that the client detects itself.
var (
	// errServerClosed: the connection ended before a byte of the response.
	errServerClosed = errors.New("server closed the connection before sending a response")
	// errHeadCutShort: the connection ended inside the response head.
	errHeadCutShort = errors.New("connection ended inside the response head")
	// errBodyCancelled: a Read of the body was cancelled, which closed the
	// connection.
	errBodyCancelled = errors.New("an earlier Read of the body was cancelled, which closed the connection")
	// errTooManyInterim: a server sent 1xx responses without end.
	errTooManyInterim = errors.New("too many 1xx responses")
)
