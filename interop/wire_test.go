package interop

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// The checks of what went over the wire, on the frames the tap saw for
// one connection. Each returns nil once the frames show what it wants,
// and is retried as frames come (tap.wait).

// wireCheck is one such check.
type wireCheck func(fs []frame) error

// wireMessage is a data message as it went over the wire.
type wireMessage struct {
	op     byte
	frames int
	rsv1   bool // on its first frame: compressed
	size   uint64
}

// messagesOf groups the data frames sent one way into messages.
func messagesOf(fs []frame, toServer bool) []wireMessage {
	var ms []wireMessage
	open := false
	for _, f := range fs {
		if f.toServer != toServer || f.op >= opClose {
			continue
		}
		if f.op != opContinuation || !open {
			ms = append(ms, wireMessage{op: f.op, rsv1: f.rsv1})
		}
		m := &ms[len(ms)-1]
		m.frames++
		m.size += f.length
		open = !f.fin
	}
	return ms
}

// controlsOf returns the control frames of op sent one way.
func controlsOf(fs []frame, toServer bool, op byte) []frame {
	var out []frame
	for _, f := range fs {
		if f.toServer == toServer && f.op == op {
			out = append(out, f)
		}
	}
	return out
}

func way(toServer bool) string {
	if toServer {
		return "client to server"
	}
	return "server to client"
}

// noCompression: no frame has RSV1, which is only allowed once
// permessage-deflate was agreed (RFC 6455 section 5.2).
func noCompression(fs []frame) error {
	for _, f := range fs {
		if f.rsv1 {
			return fmt.Errorf("RSV1 set on a %s frame (op %d) without permessage-deflate", way(f.toServer), f.op)
		}
	}
	return nil
}

// compressedEachWay: some message went compressed each way.
func compressedEachWay(fs []frame) error {
	for _, toServer := range []bool{true, false} {
		found := false
		for _, m := range messagesOf(fs, toServer) {
			found = found || m.rsv1
		}
		if !found {
			return fmt.Errorf("no message went compressed %s", way(toServer))
		}
	}
	return nil
}

// fragmentedEachWay: the first message each way went in several frames.
func fragmentedEachWay(fs []frame) error {
	for _, toServer := range []bool{true, false} {
		ms := messagesOf(fs, toServer)
		if len(ms) == 0 {
			return fmt.Errorf("no message %s", way(toServer))
		}
		if ms[0].frames < 2 {
			return fmt.Errorf("the message %s went in %d frame of %d bytes", way(toServer), ms[0].frames, ms[0].size)
		}
	}
	return nil
}

// pingsAnswered: at least n pings went one way, and each was answered the
// other way by a pong with its payload, in order.
func pingsAnswered(toServer bool, n int) wireCheck {
	return func(fs []frame) error {
		pings := controlsOf(fs, toServer, opPing)
		if len(pings) < n {
			return fmt.Errorf("%d pings %s, want %d", len(pings), way(toServer), n)
		}
		pongs := controlsOf(fs, !toServer, opPong)
		j := 0
		for _, p := range pings {
			for j < len(pongs) && !bytes.Equal(pongs[j].payload, p.payload) {
				j++ // an unsolicited pong, or one for a ping before
			}
			if j == len(pongs) {
				return fmt.Errorf("the ping of %d bytes %s got no pong with its payload", len(p.payload), way(toServer))
			}
			j++
		}
		return nil
	}
}

// closedEachWay: one close frame went each way, the first from the side
// that closes (the client if byClient) with code and reason.
func closedEachWay(byClient bool, code int, reason string) wireCheck {
	return func(fs []frame) error {
		for _, toServer := range []bool{true, false} {
			if n := len(controlsOf(fs, toServer, opClose)); n != 1 {
				return fmt.Errorf("%d close frames %s, want 1", n, way(toServer))
			}
		}
		first := controlsOf(fs, byClient, opClose)[0].payload
		if len(first) < 2 {
			return fmt.Errorf("the close frame %s has no code", way(byClient))
		}
		got, text := int(binary.BigEndian.Uint16(first)), string(first[2:])
		if got != code || text != reason {
			return fmt.Errorf("the close frame %s has %d %q, want %d %q", way(byClient), got, text, code, reason)
		}
		return nil
	}
}

// allOf passes when every check does.
func allOf(checks ...wireCheck) wireCheck {
	return func(fs []frame) error {
		if fs == nil {
			return errNoConn
		}
		var errs []error
		for _, c := range checks {
			if err := c(fs); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
}
