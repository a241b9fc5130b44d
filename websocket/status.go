package websocket

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// StatusCode is the code of a close frame (RFC 6455 section 7.4).
type StatusCode uint16

// The close codes of RFC 6455 section 7.4.1. StatusNoStatus and
// StatusAbnormalClosure are never sent: they stand for a close frame
// without a code and for a connection that ended without a close frame.
const (
	StatusNormalClosure      StatusCode = 1000
	StatusGoingAway          StatusCode = 1001
	StatusProtocolError      StatusCode = 1002
	StatusUnsupportedData    StatusCode = 1003
	StatusNoStatus           StatusCode = 1005
	StatusAbnormalClosure    StatusCode = 1006
	StatusInvalidPayload     StatusCode = 1007
	StatusPolicyViolation    StatusCode = 1008
	StatusMessageTooBig      StatusCode = 1009
	StatusMandatoryExtension StatusCode = 1010
	StatusInternalError      StatusCode = 1011
)

// String gives the code and its name: "1000 (normal closure)".
func (c StatusCode) String() string {
	var name string
	switch c {
	case StatusNormalClosure:
		name = "normal closure"
	case StatusGoingAway:
		name = "going away"
	case StatusProtocolError:
		name = "protocol error"
	case StatusUnsupportedData:
		name = "unsupported data"
	case StatusNoStatus:
		name = "no status"
	case StatusAbnormalClosure:
		name = "abnormal closure"
	case StatusInvalidPayload:
		name = "invalid payload"
	case StatusPolicyViolation:
		name = "policy violation"
	case StatusMessageTooBig:
		name = "message too big"
	case StatusMandatoryExtension:
		name = "mandatory extension"
	case StatusInternalError:
		name = "internal error"
	default:
		return fmt.Sprintf("%d", uint16(c))
	}
	return fmt.Sprintf("%d (%s)", uint16(c), name)
}

// sendable reports whether a close frame may carry c (section 7.4): the
// codes the RFC defines for sending, 1012-1014 registered since, and the
// ranges 3000-4999 for libraries and applications.
func (c StatusCode) sendable() bool {
	switch {
	case c >= 1000 && c <= 1003, c >= 1007 && c <= 1014:
		return true
	case c >= 3000 && c <= 4999:
		return true
	}
	return false
}

// maxReason is the longest close reason: a control frame's payload less
// the two bytes of the code.
const maxReason = maxControlPayload - 2

// CloseError is how a connection ended with a close frame. Remote says
// whose: the peer's frame, with the code and reason it sent, or the one
// this end sent because the peer broke the protocol or a limit, with the
// reason saying what (a read fails with it). A peer's close frame without
// a code reads as StatusNoStatus.
type CloseError struct {
	Code   StatusCode
	Reason string
	Remote bool
}

// Error says whose close it was, with the code and the reason.
func (e *CloseError) Error() string {
	if e.Remote {
		if e.Reason == "" {
			return fmt.Sprintf("websocket: peer closed the connection with %v", e.Code)
		}
		return fmt.Sprintf("websocket: peer closed the connection with %v: %q", e.Code, e.Reason)
	}
	return fmt.Sprintf("websocket: closed with %v: %s", e.Code, e.Reason)
}

// CloseStatus returns the code of the close frame that ended a connection,
// if err is (or wraps) a *CloseError, and 0 otherwise.
func CloseStatus(err error) StatusCode {
	var ce *CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return 0
}

// ErrClosed is what operations on a connection return once it is closed
// by this end (Close or CloseNow), or once a close handshake ended it and
// its error was reported.
var ErrClosed = errors.New("websocket: use of closed connection")

// failure is the error this end closes with: a close frame with code,
// and the reason, formatted.
func failure(code StatusCode, format string, args ...any) *CloseError {
	return &CloseError{Code: code, Reason: fmt.Sprintf(format, args...)}
}

func protocolError(format string, args ...any) *CloseError {
	return failure(StatusProtocolError, format, args...)
}

// truncateReason cuts reason to what a close frame holds, at a rune
// boundary.
func truncateReason(reason string) string {
	if len(reason) <= maxReason {
		return reason
	}
	r := reason[:maxReason]
	for len(r) > 0 && !utf8.ValidString(r) {
		r = r[:len(r)-1]
	}
	return r
}
