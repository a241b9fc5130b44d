package interop

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strconv"
)

// serve is the echo server every server library runs (and node/server.mjs
// copies): it answers one connection by the request URL's path and
// returns what went wrong.
//
//	/echo       every message back as it came, one Send each
//	/fragments  every message back through SendFragments, in three parts
//	/ping       each message back once the server's ping with the
//	            message as payload got its pong
//	/close      at once, a close with ?code= and ?reason=, whose
//	            handshake must complete
//
// Each path but /close ends when the client closes; ?code= and ?reason=
// then say which code and reason the client must have sent. ?accept=1
// says the server accepts permessage-deflate, ?offer=1 that the client
// offers it: the connection must have negotiated it exactly when both.
func serve(c wsConn, u *url.URL) error {
	q := u.Query()
	want := q.Get("offer") == "1" && q.Get("accept") == "1"
	if got := c.Compressed(); got != want {
		return fmt.Errorf("permessage-deflate negotiated: %v, want %v", got, want)
	}
	if u.Path == "/close" {
		code, err := strconv.Atoi(q.Get("code"))
		if err != nil {
			return fmt.Errorf("close: bad code %q", q.Get("code"))
		}
		if err := c.Close(code, q.Get("reason")); err != nil {
			return fmt.Errorf("close %d: %w", code, err)
		}
		return nil
	}
	for {
		m, err := c.Receive()
		var ce *closeError
		if errors.As(err, &ce) {
			return checkClose(ce, q)
		}
		if err != nil {
			return err
		}
		if err := answer(c, u.Path, m); err != nil {
			return err
		}
	}
}

// answer sends m back as path asks.
func answer(c wsConn, path string, m message) error {
	switch path {
	case "/echo":
		return c.Send(m)
	case "/fragments":
		return c.SendFragments(m.typ, split3(m.data))
	case "/ping":
		if err := c.Ping(m.data); err != nil {
			return fmt.Errorf("ping %q: %w", m.data, err)
		}
		return c.Send(m)
	}
	return fmt.Errorf("no such path %q", path)
}

// checkClose compares the client's close with the one the query asks for.
func checkClose(ce *closeError, q url.Values) error {
	if !q.Has("code") {
		return nil
	}
	if strconv.Itoa(ce.code) != q.Get("code") || ce.reason != q.Get("reason") {
		return fmt.Errorf("client closed with %d %q, want %s %q", ce.code, ce.reason, q.Get("code"), q.Get("reason"))
	}
	return nil
}

// split3 cuts p in three parts at a third and two thirds of its length,
// moved forward into the middle of a UTF-8 sequence where there is one
// near, so that a fragmented text message splits a character across
// frames (RFC 6455 section 5.6 allows it; only the whole message must be
// valid). Joined, the parts are p.
func split3(p []byte) [][]byte {
	a := cutInRune(p, len(p)/3)
	b := max(a, cutInRune(p, 2*len(p)/3))
	return [][]byte{p[:a], p[a:b], p[b:]}
}

// cutInRune returns i, or the first index after it (within 4 bytes) that
// falls on a UTF-8 continuation byte.
func cutInRune(p []byte, i int) int {
	for j := i; j < len(p) && j < i+4; j++ {
		if p[j]&0xC0 == 0x80 {
			return j
		}
	}
	return i
}

// sameData compares what came back with what was sent, describing the
// first difference.
func sameData(what string, got, want message) error {
	if got.typ != want.typ {
		return fmt.Errorf("%s: message type %d, want %d", what, got.typ, want.typ)
	}
	if bytes.Equal(got.data, want.data) {
		return nil
	}
	i := 0
	for i < len(got.data) && i < len(want.data) && got.data[i] == want.data[i] {
		i++
	}
	return fmt.Errorf("%s: got %d bytes, want %d; they differ from byte %d", what, len(got.data), len(want.data), i)
}
