package interop

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"testing"
)

// sizes are the echoed message lengths: empty, the largest 7-bit length
// (125), the smallest 16-bit one (126), the largest 16-bit one (65535), the
// smallest 64-bit one (65536), and 1 MiB, larger than every library's
// buffers.
var sizes = []int{0, 1, 125, 126, 65535, 65536, 1 << 20}

// closes are the close codes and reasons the cases send both ways: normal
// closure, going away, and one from the private range (4000-4999).
var closes = []struct {
	code   int
	reason string
}{
	{1000, "normal closure, with a reason"},
	{1001, "going away ✓"},
	{4000, "custom code"},
}

// A testCase is the client's side of one connection to the echo server
// (serve): the server's path and query, what the client does, and what
// must have gone over the wire.
type testCase struct {
	name   string // the subtest's name; its first element is the matrix's column
	path   string // the echo server's path and query
	offer  bool   // the client offers permessage-deflate
	accept bool   // the server accepts it (?accept=1)
	run    func(c wsConn) error

	// The close that ends the connection: by the client with 1000
	// "done" unless said otherwise.
	closeByServer bool
	closeCode     int
	closeReason   string

	wire []wireCheck // more checks of the frames
}

// compressed reports whether the case's connection must negotiate
// permessage-deflate.
func (tc testCase) compressed() bool { return tc.offer && tc.accept }

// wireCheck is every check of the case's frames: its own, one close frame
// each way with the expected code, and no compressed frame unless
// permessage-deflate was agreed.
func (tc testCase) wireCheck() wireCheck {
	code, reason := tc.closeCode, tc.closeReason
	if code == 0 {
		code, reason = 1000, "done"
	}
	checks := append([]wireCheck{closedEachWay(!tc.closeByServer, code, reason)}, tc.wire...)
	if !tc.compressed() {
		checks = append(checks, noCompression)
	}
	return allOf(checks...)
}

// The paths of the cases that end with the client's close 1000 "done".
const (
	echoPath      = "/echo?code=1000&reason=done"
	fragmentsPath = "/fragments?code=1000&reason=done"
	pingPath      = "/ping?code=1000&reason=done"
)

// cases returns the table every pairing runs.
func cases() []testCase {
	var cs []testCase
	for _, compress := range []bool{false, true} {
		cs = append(cs, echoCases(compress)...)
	}
	// One side willing, the other not: no compression, and the messages
	// still go through.
	m := payload(binaryMessage, 65536)
	cs = append(cs,
		testCase{
			name: "deflate-refused/binary/65536", path: echoPath, offer: true,
			run: func(c wsConn) error { return echo(c, m, false) },
		},
		testCase{
			name: "deflate-unoffered/binary/65536", path: echoPath, accept: true,
			run: func(c wsConn) error { return echo(c, m, false) },
		},
		testCase{
			name: "ping/client", path: echoPath, run: pingFromClient,
			wire: []wireCheck{pingsAnswered(true, len(pingPayloads))},
		},
		testCase{
			name: "ping/server", path: pingPath, run: pingFromServer,
			wire: []wireCheck{pingsAnswered(false, len(pingPayloads))},
		})
	return append(cs, closeCases()...)
}

// echoCases are the echoes of every size and both types, whole and in
// fragments, with permessage-deflate or without. A large text message
// must go compressed each way (random binary might be sent as it is, as
// deflate cannot shrink it), and a fragmented one of 70000 bytes in
// several frames each way.
func echoCases(compress bool) []testCase {
	mode := "plain"
	if compress {
		mode = "deflate"
	}
	var cs []testCase
	for _, typ := range []int{textMessage, binaryMessage} {
		kind := typeName(typ)
		for _, n := range sizes {
			m := payload(typ, n)
			tc := testCase{
				name: fmt.Sprintf("echo-%s/%s/%d", mode, kind, n), path: echoPath, offer: compress, accept: compress,
				run: func(c wsConn) error { return echo(c, m, false) },
			}
			if compress && typ == textMessage && n >= 65536 {
				tc.wire = []wireCheck{compressedEachWay}
			}
			cs = append(cs, tc)
		}
		for _, n := range []int{10, 70000} {
			m := payload(typ, n)
			tc := testCase{
				name: fmt.Sprintf("fragments-%s/%s/%d", mode, kind, n), path: fragmentsPath, offer: compress, accept: compress,
				run: func(c wsConn) error { return echo(c, m, true) },
			}
			if n > 65536 {
				tc.wire = []wireCheck{fragmentedEachWay}
			}
			cs = append(cs, tc)
		}
	}
	tc := testCase{name: "echo-" + mode + "/sequence", path: echoPath, offer: compress, accept: compress, run: echoSequence}
	if compress {
		tc.wire = []wireCheck{compressedEachWay}
	}
	return append(cs, tc)
}

// closeCases close with each code and reason, from either side.
func closeCases() []testCase {
	var cs []testCase
	for _, cl := range closes {
		q := "code=" + strconv.Itoa(cl.code) + "&reason=" + url.QueryEscape(cl.reason)
		cs = append(cs,
			testCase{
				name: fmt.Sprintf("close-by-client/%d", cl.code), path: "/echo?" + q,
				closeCode: cl.code, closeReason: cl.reason,
				run: func(c wsConn) error { return c.Close(cl.code, cl.reason) },
			},
			testCase{
				name: fmt.Sprintf("close-by-server/%d", cl.code), path: "/close?" + q,
				closeByServer: true, closeCode: cl.code, closeReason: cl.reason,
				run: func(c wsConn) error { return expectClose(c, cl.code, cl.reason) },
			})
	}
	return cs
}

func typeName(typ int) string {
	if typ == textMessage {
		return "text"
	}
	return "binary"
}

// echo sends m (in three parts if fragmented), checks that it comes back,
// and closes normally.
func echo(c wsConn, m message, fragmented bool) error {
	var err error
	if fragmented {
		err = c.SendFragments(m.typ, split3(m.data))
	} else {
		err = c.Send(m)
	}
	if err != nil {
		return fmt.Errorf("send %d bytes: %w", len(m.data), err)
	}
	if err := receiveSame(c, m); err != nil {
		return err
	}
	return closeDone(c)
}

// echoSequence sends every size but the largest (which has cases of its
// own) of both types on one connection, which carries a compression
// context from message to message when permessage-deflate keeps it.
func echoSequence(c wsConn) error {
	for _, n := range sizes[:len(sizes)-1] {
		for _, typ := range []int{textMessage, binaryMessage} {
			m := payload(typ, n)
			if err := c.Send(m); err != nil {
				return fmt.Errorf("send %d bytes: %w", n, err)
			}
			if err := receiveSame(c, m); err != nil {
				return err
			}
		}
	}
	return closeDone(c)
}

// pingPayloads are the payloads of the ping cases: empty, short, and the
// longest a control frame carries (125 bytes).
var pingPayloads = [][]byte{{}, []byte("ping ✓"), payload(binaryMessage, 125).data}

// pingFromClient pings the server with each payload and waits for each
// pong.
func pingFromClient(c wsConn) error {
	for _, p := range pingPayloads {
		if err := c.Ping(p); err != nil {
			return fmt.Errorf("ping with %d bytes: %w", len(p), err)
		}
	}
	return closeDone(c)
}

// pingFromServer sends each payload to /ping, which pings the client with
// it and sends it back once its pong came: the client's library must have
// answered the ping while it read.
func pingFromServer(c wsConn) error {
	for _, p := range pingPayloads {
		m := message{typ: binaryMessage, data: p}
		if err := c.Send(m); err != nil {
			return fmt.Errorf("send %d bytes: %w", len(p), err)
		}
		if err := receiveSame(c, m); err != nil {
			return err
		}
	}
	return closeDone(c)
}

// expectClose waits for the server's close and checks its code and reason.
func expectClose(c wsConn, code int, reason string) error {
	m, err := c.Receive()
	var ce *closeError
	if !errors.As(err, &ce) {
		return fmt.Errorf("waiting for the server's close %d: got a message of %d bytes, error %v", code, len(m.data), err)
	}
	if ce.code != code || ce.reason != reason {
		return fmt.Errorf("server closed with %d %q, want %d %q", ce.code, ce.reason, code, reason)
	}
	return nil
}

// receiveSame receives one message and compares it with want.
func receiveSame(c wsConn, want message) error {
	got, err := c.Receive()
	if err != nil {
		return fmt.Errorf("receive the echo of %d bytes: %w", len(want.data), err)
	}
	return sameData("echo", got, want)
}

// closeDone ends a case with the close the server expects.
func closeDone(c wsConn) error {
	if err := c.Close(1000, "done"); err != nil {
		return fmt.Errorf("close 1000: %w", err)
	}
	return nil
}

// caseURL is the URL of tc's connection on base: its path and query, the
// compression flag, and id, which names the server's verdict.
func caseURL(base string, tc testCase, id string) string {
	u := base + tc.path + "&id=" + url.QueryEscape(id)
	if tc.offer {
		u += "&offer=1"
	}
	if tc.accept {
		u += "&accept=1"
	}
	return u
}

// runCases runs every case with dial against the server behind tp, whose
// verdicts v has: a subtest per case, named as the matrix names it, which
// fails if the client, the server or the frames on the wire say so.
func runCases(t *testing.T, tp *tap, v *verdicts, dial dialFunc) {
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			id := t.Name()
			err := dial(caseURL(tp.base(), tc, id), tc.offer, func(c wsConn) error {
				if got := c.Compressed(); got != tc.compressed() {
					return fmt.Errorf("permessage-deflate negotiated: %v, want %v", got, tc.compressed())
				}
				return tc.run(c)
			})
			if err != nil {
				t.Errorf("client: %v", err)
			}
			if errors.Is(err, errDial) {
				return // no connection: no verdict, no frames
			}
			checkServerAndWire(t, tp, v, tc, id)
		})
	}
}

// checkServerAndWire fails t if the server's verdict on connection id
// (when v has them) or the frames the tap saw say so.
func checkServerAndWire(t *testing.T, tp *tap, v *verdicts, tc testCase, id string) {
	if v != nil {
		if err := v.wait(id); err != nil {
			t.Error(err)
		}
	}
	if err := tp.wait(id, tc.wireCheck()); err != nil {
		t.Error(err)
	}
}
