package http1

import (
	"strconv"
	"strings"
)

// headError is a message head that was rejected: which rule failed, the
// input that failed it, and the status a server answers with before it
// closes the connection.
//
// For a response head the status names the class of fault in the same
// words (400 malformed, 505 version, and so on); a client reports the
// error and does not answer it.
type headError struct {
	status int
	what   string
	input  string
}

// maxErrorInput is how much of the offending input an error quotes.
const maxErrorInput = 40

// newHeadError builds the error for status, saying what failed and quoting
// the first maxErrorInput bytes of input.
func newHeadError(status int, what string, input []byte) *headError {
	e := &headError{status: status, what: what}
	if input != nil {
		s := strconv.Quote(string(input[:min(len(input), maxErrorInput)]))
		if len(input) > maxErrorInput {
			s += "..."
		}
		e.input = s
	}
	return e
}

// Error says what failed and quotes the offending input, e.g.
// `http1: malformed header field name "Bad Name"`.
func (e *headError) Error() string {
	var b strings.Builder
	b.WriteString("http1: ")
	b.WriteString(e.what)
	if e.input != "" {
		b.WriteByte(' ')
		b.WriteString(e.input)
	}
	return b.String()
}

// Status is the response status the server must answer the head with.
func (e *headError) Status() int { return e.status }

// The statuses a head can be rejected with.
const (
	statusBadRequest           = 400
	statusURITooLong           = 414
	statusHeaderFieldsTooLarge = 431
	statusNotImplemented       = 501
	statusVersionNotSupported  = 505
)
