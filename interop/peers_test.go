package interop

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The two data message types, with their opcodes (RFC 6455 section 5.2),
// which gorilla's constants share.
const (
	textMessage   = 1
	binaryMessage = 2
)

// opTimeout bounds every wait of a case: a message, a pong, the peer's
// close. It is generous, so that a slow CI machine running the race
// detector never fails a case that works; a case that hangs fails after
// it instead of holding the test run.
const opTimeout = 20 * time.Second

// message is one data message, whichever library read it.
type message struct {
	typ  int
	data []byte
}

// closeError is what Receive returns once the peer's close frame
// arrived: its status code (1005 when it carried none) and reason.
type closeError struct {
	code   int
	reason string
}

func (e *closeError) Error() string {
	return fmt.Sprintf("peer closed with %d %q", e.code, e.reason)
}

// wsConn is one end of a WebSocket connection made by any of the
// libraries under test, driven in blocking style by the cases and by the
// echo server (serve). Each method waits at most opTimeout. An adapter
// keeps a read going (every library needs one to answer pings and closes
// and to see pongs) and hands the messages to Receive.
type wsConn interface {
	// Send sends one message with the library's plain write call.
	Send(m message) error
	// SendFragments sends one message through the library's streaming
	// writer, one Write a part, so that a library that frames each Write
	// sends it as a fragment.
	SendFragments(typ int, parts [][]byte) error
	// Receive returns the next message; once the peer's close frame
	// arrived, a *closeError (the library has answered it).
	Receive() (message, error)
	// Ping sends a ping with payload and returns once the pong with the
	// same payload arrived. A library that picks its own payload (coder)
	// sends that one, and checks its pong itself.
	Ping(payload []byte) error
	// Close runs the close handshake (sends a close frame with code and
	// reason, waits for the peer's) and closes the connection: nil means
	// the peer answered.
	Close(code int, reason string) error
	// Compressed reports whether permessage-deflate was negotiated.
	Compressed() bool
	// Abort closes the socket at once and releases what the adapter
	// holds; it may be called after Close and more than once.
	Abort()
}

// errDial marks a dialFunc's error from the handshake: there was no
// connection, so there is no server verdict to wait for.
var errDial = errors.New("dial")

// dialFunc connects to url as a client, offering permessage-deflate if
// compress, runs body on the connection and aborts the connection after
// it. Our client's dialFunc runs body inside a coroutine on our executor.
type dialFunc func(url string, compress bool, body func(c wsConn) error) error

// negotiatedDeflate reports whether an extension header (a request's
// offer or a response's answer) holds permessage-deflate.
func negotiatedDeflate(h http.Header) bool {
	for _, v := range h.Values("Sec-WebSocket-Extensions") {
		for ext := range strings.SplitSeq(v, ",") {
			name, _, _ := strings.Cut(ext, ";")
			if strings.TrimSpace(name) == "permessage-deflate" {
				return true
			}
		}
	}
	return false
}

// verdicts collects the echo server's outcome for each connection, keyed
// by the id query parameter the client put in the URL, so that a case
// fails when the server side saw something wrong (a close code it did not
// expect, a pong that never came) even though the client saw nothing.
type verdicts struct {
	mu   sync.Mutex
	byID map[string]chan error // guarded by mu; each channel buffers one verdict
}

func newVerdicts() *verdicts {
	return &verdicts{byID: make(map[string]chan error)}
}

// slot returns the channel of id, made by whichever side comes first.
func (v *verdicts) slot(id string) chan error {
	v.mu.Lock()
	defer v.mu.Unlock()
	ch, ok := v.byID[id]
	if !ok {
		ch = make(chan error, 1)
		v.byID[id] = ch
	}
	return ch
}

// put records the server's outcome for connection id.
func (v *verdicts) put(id string, err error) {
	if id == "" {
		return // not a case's connection: a probe, a stray client
	}
	select {
	case v.slot(id) <- err:
	default: // a second connection with the same id: the first verdict stands
	}
}

// wait returns the server's outcome for connection id, or an error if the
// server had not finished the connection after a generous bound.
func (v *verdicts) wait(id string) error {
	select {
	case err := <-v.slot(id):
		if err != nil {
			return fmt.Errorf("server: %w", err)
		}
		return nil
	case <-time.After(2 * opTimeout):
		return errors.New("server: no verdict: the connection is still being served")
	}
}
