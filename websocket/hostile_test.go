package websocket

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
)

// TestHostileFrames sends a server, from a raw TCP client after a valid
// handshake, each input of hostileCases: frames RFC 6455 (or RFC 7692)
// forbids, frames at the edge of what it allows, and the server's limits
// passed. Each case names what the server must answer: the frames it
// sends (pongs, echoes) and the code of its close frame; then it must
// close the TCP connection. Afterwards the server still serves a good
// client.
func TestHostileFrames(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		u := &Upgrader{Options: Options{
			MaxMessageSize: hostileMaxMessage,
			MaxFrameSize:   hostileMaxFrame,
			Compression:    true,
		}}
		url := serve(t, x, u, echo)
		addr := strings.TrimPrefix(url, "ws://")
		for _, hc := range hostileCases(t) {
			t.Run(hc.name, func(t *testing.T) {
				if hc.run != nil {
					hc.run(t, addr)
					return
				}
				runHostile(t, addr, hc)
			})
		}
		// The server lives on: a raw client and a Dialer's are served.
		t.Run("a good client after all", func(t *testing.T) {
			runHostile(t, addr, hostileCase{
				send: cat(hostileFrame(finBit|byte(opText), []byte("still here")), hostileFrame(finBit|byte(opClose), closeBody(1000, ""))),
				want: []hostileMsg{{opText, "still here"}},
				code: 1000,
			})
			client(t, x, &Dialer{}, url, func(co *async.Co, c *Conn) {
				if err := async.Await(co, c.WriteMessage(Text, []byte("hello"))); err != nil {
					t.Fatalf("write: %v", err)
				}
				m, err := async.Get(co, c.ReadMessage())
				if err != nil || string(m.Data) != "hello" {
					t.Fatalf("echo: %q, %v", m.Data, err)
				}
				async.Await(co, c.Close(StatusNormalClosure, ""))
			})
		})
	})
}

// The server's limits in TestHostileFrames.
const (
	hostileMaxMessage = 64 << 10
	hostileMaxFrame   = 16 << 10
)

// The codes a hostileCase may expect besides a close code.
const (
	noCode   = -1 // a close frame without a code
	anyClose = -2 // a close frame with any code, or none: the peer's stream ended
)

// hostileCase is an input and what the server must answer it with.
type hostileCase struct {
	name    string
	deflate bool   // offer permessage-deflate in the handshake
	send    []byte // written after the handshake, at once
	eof     bool   // then the client's side of the stream ends
	want    []hostileMsg
	code    int // of the server's close frame, or noCode or anyClose
	run     func(t *testing.T, addr string)
}

// hostileMsg is a message or control frame from the server: a data
// message (reassembled, inflated) or a pong.
type hostileMsg struct {
	op      opcode
	payload string
}

func hostileCases(t *testing.T) []hostileCase {
	const (
		fin  = finBit
		rsv1 = rsv1Bit
		rsv2 = rsv2Bit
		rsv3 = rsv3Bit
		text = byte(opText)
		bin  = byte(opBinary)
		cont = byte(opContinuation)
		cls  = byte(opClose)
		ping = byte(opPing)
		pong = byte(opPong)
	)
	f := hostileFrame
	bye := f(fin|cls, closeBody(1000, ""))
	hello := []byte("Hello")
	compressed := func(msg []byte) []byte {
		z, err := newDeflater(flate.BestSpeed, true).compress(nil, msg)
		if err != nil {
			t.Fatal(err)
		}
		return z
	}
	cases := []hostileCase{
		// Masking, reserved bits, opcodes (RFC 6455 5.1, 5.2).
		{name: "unmasked text frame", send: hostileFrameForm(fin|text, hello, 0, false), code: 1002},
		{name: "unmasked close frame", send: hostileFrameForm(fin|cls, closeBody(1000, ""), 0, false), code: 1002},
		{name: "RSV1 without an extension", send: f(fin|rsv1|text, hello), code: 1002},
		{name: "RSV2", send: f(fin|rsv2|text, hello), code: 1002},
		{name: "RSV3", send: f(fin|rsv3|bin, hello), code: 1002},
		{name: "RSV2 with compression", deflate: true, send: f(fin|rsv2|text, hello), code: 1002},
		{name: "RSV1 on a ping with compression", deflate: true, send: f(fin|rsv1|ping, hello), code: 1002},
		{name: "RSV1 on a close with compression", deflate: true, send: f(fin|rsv1|cls, closeBody(1000, "")), code: 1002},
		{name: "RSV1 on a continuation with compression", deflate: true,
			send: cat(f(rsv1|text, compressed(hello)), f(fin|rsv1|cont, nil)), code: 1002},
		// Control frames (5.5).
		{name: "ping of 126 bytes", send: f(fin|ping, make([]byte, 126)), code: 1002},
		{name: "pong of 126 bytes", send: f(fin|pong, make([]byte, 126)), code: 1002},
		{name: "close of 126 bytes", send: f(fin|cls, closeBody(1000, strings.Repeat("r", 124))), code: 1002},
		{name: "fragmented ping", send: f(ping, hello), code: 1002},
		{name: "fragmented close", send: f(cls, closeBody(1000, "")), code: 1002},
		{name: "ping of 125 bytes", send: cat(f(fin|ping, bytes.Repeat([]byte{'p'}, 125)), bye),
			want: []hostileMsg{{opPong, strings.Repeat("p", 125)}}, code: 1000},
		{name: "empty ping", send: cat(f(fin|ping, nil), bye), want: []hostileMsg{{opPong, ""}}, code: 1000},
		{name: "unsolicited pong", send: cat(f(fin|pong, hello), f(fin|text, hello), bye),
			want: []hostileMsg{{opText, "Hello"}}, code: 1000},
		// Fragments (5.4).
		{name: "continuation without a start", send: f(fin|cont, hello), code: 1002},
		{name: "unfinished continuation without a start", send: f(cont, hello), code: 1002},
		{name: "text inside a fragmented message", send: cat(f(text, hello), f(fin|text, hello)), code: 1002},
		{name: "binary inside a fragmented message", send: cat(f(bin, hello), f(fin|bin, hello)), code: 1002},
		{name: "ping inside a fragmented message", send: cat(f(text, []byte("frag")), f(fin|ping, []byte("p")), f(fin|cont, []byte("ment")), bye),
			want: []hostileMsg{{opPong, "p"}, {opText, "fragment"}}, code: 1000},
		{name: "a thousand empty fragments", send: cat(f(text, []byte("a")), bytes.Repeat(f(cont, nil), 1000), f(fin|cont, []byte("b")), bye),
			want: []hostileMsg{{opText, "ab"}}, code: 1000},
		{name: "empty text message", send: cat(f(fin|text, nil), bye), want: []hostileMsg{{opText, ""}}, code: 1000},
		// UTF-8 (8.1).
		{name: "invalid UTF-8 in a text frame", send: f(fin|text, []byte("Hello\xc0\x80")), code: 1007},
		{name: "a surrogate in a text frame", send: f(fin|text, []byte("a\xed\xa0\x80b")), code: 1007},
		{name: "invalid UTF-8 across fragments", send: cat(f(text, []byte("Gr\xc3")), f(fin|cont, []byte("\x28x"))), code: 1007},
		{name: "text ends inside a rune", send: cat(f(text, []byte("ok")), f(fin|cont, []byte("\xe2\x82"))), code: 1007},
		{name: "invalid UTF-8 fails fast, in an unfinished message", send: f(text, []byte("ab\xff")), code: 1007},
		{name: "invalid UTF-8 fails fast, in an unfinished frame",
			send: cat(hostileHeader(fin|text, 100, 0, true), maskedBody(0, []byte("ab\xffcd"))), code: 1007},
		{name: "invalid UTF-8 in a close reason", send: f(fin|cls, closeBody(1000, "bad\xff")), code: 1007},
		{name: "text split mid-rune across fragments", send: cat(f(text, []byte("Gr\xc3")), f(cont, []byte("\xbc\xc3")), f(fin|cont, []byte("\x9fe \xf0\x9f\x91\x8b")), bye),
			want: []hostileMsg{{opText, "Grüße 👋"}}, code: 1000},
		{name: "binary not UTF-8 is echoed", send: cat(f(fin|bin, []byte("\xff\xc0\x80")), bye),
			want: []hostileMsg{{opBinary, "\xff\xc0\x80"}}, code: 1000},
		// Close frames (5.5.1, 7.4).
		{name: "close inside a fragmented message", send: cat(f(text, hello), bye), code: 1000},
		{name: "close with a 1-byte payload", send: f(fin|cls, []byte{3}), code: 1002},
		{name: "close without a code", send: f(fin|cls, nil), code: noCode},
		{name: "close 1000 with a reason", send: f(fin|cls, closeBody(1000, "done, thanks")), code: 1000},
		{name: "close with a reason of 123 bytes", send: f(fin|cls, closeBody(1001, strings.Repeat("é", 61)+"x")), code: 1001},
		{name: "bytes after a close frame", send: cat(bye, f(fin|text, hello), []byte{0xff, 0xff, 0xff}), code: 1000},
		// Lengths (5.2).
		{name: "64-bit length with the top bit set", send: hostileHeader(fin|bin, 1<<63|5, 64, true), code: 1002},
		{name: "64-bit form for 5 bytes", send: hostileFrameForm(fin|bin, hello, 64, true), code: 1002},
		{name: "64-bit form for 65535 bytes", send: hostileHeader(fin|bin, 0xFFFF, 64, true), code: 1002},
		{name: "16-bit form for 125 bytes", send: hostileFrameForm(fin|bin, make([]byte, 125), 16, true), code: 1002},
		{name: "16-bit form for an empty ping", send: hostileFrameForm(fin|ping, nil, 16, true), code: 1002},
		// Limits.
		{name: "frame over MaxFrameSize", send: hostileHeader(fin|bin, hostileMaxFrame+1, 0, true), code: 1009},
		{name: "frame of 2^62 bytes", send: hostileHeader(fin|bin, 1<<62, 64, true), code: 1009},
		{name: "frame of MaxFrameSize", send: cat(f(fin|bin, bytes.Repeat([]byte{'f'}, hostileMaxFrame)), bye),
			want: []hostileMsg{{opBinary, strings.Repeat("f", hostileMaxFrame)}}, code: 1000},
		{name: "message of MaxMessageSize in fragments", send: cat(fragments(hostileMaxMessage, hostileMaxFrame, false), bye),
			want: []hostileMsg{{opBinary, strings.Repeat("m", hostileMaxMessage)}}, code: 1000},
		{name: "fragments past MaxMessageSize", send: fragments(hostileMaxMessage+1, hostileMaxFrame, true), code: 1009},
		// permessage-deflate (RFC 7692).
		{name: "a compressed message", deflate: true, send: cat(f(fin|rsv1|text, compressed(hello)), bye),
			want: []hostileMsg{{opText, "Hello"}}, code: 1000},
		{name: "a compressed message in fragments", deflate: true,
			send: cat(f(rsv1|bin, compressed(hello)[:2]), f(fin|cont, compressed(hello)[2:]), bye),
			want: []hostileMsg{{opBinary, "Hello"}}, code: 1000},
		{name: "a compressed message that inflates past MaxMessageSize", deflate: true,
			send: f(fin|rsv1|bin, bomb(t, 1<<20)), code: 1009},
		{name: "two compressed messages sharing the window", deflate: true,
			send: func() []byte {
				d := newDeflater(flate.BestCompression, true)
				z1, _ := d.compress(nil, []byte("Hello, Hello"))
				z2, _ := d.compress(nil, []byte("Hello, Hello"))
				return cat(f(fin|rsv1|text, z1), f(fin|rsv1|text, z2), bye)
			}(),
			want: []hostileMsg{{opText, "Hello, Hello"}, {opText, "Hello, Hello"}}, code: 1000},
		{name: "a compressed empty message", deflate: true, send: cat(f(fin|rsv1|bin, []byte{0x00}), bye),
			want: []hostileMsg{{opBinary, ""}}, code: 1000},
		{name: "corrupt compressed data", deflate: true, send: f(fin|rsv1|bin, []byte{0x07, 0x01, 0x02}), code: 1007},
		{name: "compressed text not UTF-8", deflate: true, send: f(fin|rsv1|text, compressed([]byte("Hello\xff"))), code: 1007},
		// The stream ends.
		{name: "EOF inside a frame header", send: []byte{fin | text}, eof: true, code: anyClose},
		{name: "EOF inside a payload", send: hostileHeader(fin|bin, 100, 0, true), eof: true, code: anyClose},
		{name: "EOF inside a fragmented message", send: f(text, hello), eof: true, code: anyClose},
		{name: "flood of pings", run: pingFlood},
	}
	for _, op := range []byte{3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF} {
		cases = append(cases, hostileCase{name: fmt.Sprintf("reserved opcode %#x", op), send: f(fin|op, hello), code: 1002})
	}
	for _, code := range []uint16{0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535} {
		cases = append(cases, hostileCase{name: fmt.Sprintf("close code %d", code), send: f(fin|cls, closeBody(code, "")), code: 1002})
	}
	for _, code := range []uint16{1001, 1003, 1007, 1011, 1012, 1014, 3000, 4000, 4999} {
		cases = append(cases, hostileCase{name: fmt.Sprintf("close code %d echoed", code), send: f(fin|cls, closeBody(code, "")), code: int(code)})
	}
	return cases
}

// runHostile dials addr, sends hc's input and checks the server's answer.
func runHostile(t *testing.T, addr string, hc hostileCase) {
	t.Helper()
	c, br, infl := hostileDial(t, addr, hc.deflate)
	defer c.Close()
	if _, err := c.Write(hc.send); err != nil {
		// The server may fail the connection before it read everything.
		t.Logf("write: %v", err)
	}
	if hc.eof {
		c.(*net.TCPConn).CloseWrite()
	}
	got, code, err := readUntilClose(br, infl)
	if err != nil {
		if hc.code == anyClose && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) {
			return // no close frame, and the connection closed
		}
		t.Fatalf("after %s: %v (messages before: %v)", hc.name, err, got)
	}
	if hc.code != anyClose && code != hc.code {
		t.Errorf("the server closed with code %d, want %d", code, hc.code)
	}
	if fmt.Sprint(got) != fmt.Sprint(hc.want) {
		t.Errorf("the server sent %v before its close, want %v", shorten(got), shorten(hc.want))
	}
	expectEOF(t, c, br)
}

// hostileDial connects to addr and makes the client's handshake, offering
// permessage-deflate if deflate. It returns the connection, a reader of
// what follows the handshake, and the inflater of compressed messages
// from the server (nil if not agreed).
func hostileDial(t *testing.T, addr string, deflate bool) (net.Conn, *bufio.Reader, *inflater) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(30 * time.Second))
	req := "GET /chat HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
	if deflate {
		req += "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		c.Close()
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		c.Close()
		t.Fatalf("handshake: %v", err)
	}
	// RFC 6455 1.3's example key and accept value.
	if resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		c.Close()
		t.Fatalf("handshake: %s, accept %q", resp.Status, resp.Header.Get("Sec-WebSocket-Accept"))
	}
	var infl *inflater
	if ext := resp.Header.Values("Sec-WebSocket-Extensions"); deflate {
		p, ok, err := acceptDeflateResponse(ext)
		if err != nil || !ok {
			c.Close()
			t.Fatalf("handshake: extensions %q: %v, %v", ext, ok, err)
		}
		infl = newInflater(!p.serverNoTakeover)
	} else if len(ext) > 0 {
		c.Close()
		t.Fatalf("handshake: extensions %q not offered", ext)
	}
	return c, br, infl
}

// readUntilClose reads the server's frames up to its close frame and
// returns the messages and pongs before it, and its code (noCode if it
// had none).
func readUntilClose(br *bufio.Reader, infl *inflater) ([]hostileMsg, int, error) {
	var msgs []hostileMsg
	var msg []byte
	var msgOp opcode
	var compressed bool
	for {
		fin, rsv, op, payload, err := readServerFrame(br)
		if err != nil {
			return msgs, 0, err
		}
		if rsv&^rsv1Bit != 0 || rsv != 0 && (infl == nil || op != opText && op != opBinary) {
			return msgs, 0, fmt.Errorf("server frame %v with reserved bits %#x", op, rsv)
		}
		switch op {
		case opClose:
			if len(payload) == 0 {
				return msgs, noCode, nil
			}
			if len(payload) < 2 || !utf8.Valid(payload[2:]) {
				return msgs, 0, fmt.Errorf("server close frame with payload %q", payload)
			}
			return msgs, int(binary.BigEndian.Uint16(payload)), nil
		case opPing:
			return msgs, 0, fmt.Errorf("server ping %q", payload)
		case opPong:
			msgs = append(msgs, hostileMsg{opPong, string(payload)})
			continue
		case opText, opBinary:
			msg, msgOp, compressed = payload, op, rsv != 0
		case opContinuation:
			msg = append(msg, payload...)
		default:
			return msgs, 0, fmt.Errorf("server frame with opcode %v", op)
		}
		if !fin {
			continue
		}
		if compressed {
			if msg, err = infl.inflate(nil, msg, 1<<20); err != nil {
				return msgs, 0, err
			}
		}
		msgs = append(msgs, hostileMsg{msgOp, string(msg)})
	}
}

// readServerFrame reads one frame from the server, which must not be
// masked.
func readServerFrame(br *bufio.Reader) (fin bool, rsv byte, op opcode, payload []byte, err error) {
	var h [2]byte
	if _, err = io.ReadFull(br, h[:]); err != nil {
		return
	}
	fin, rsv, op = h[0]&finBit != 0, h[0]&0x70, opcode(h[0]&0x0F)
	if h[1]&maskBit != 0 {
		err = fmt.Errorf("masked server frame")
		return
	}
	n := uint64(h[1] & 0x7F)
	switch n {
	case 126:
		var l [2]byte
		_, err = io.ReadFull(br, l[:])
		n = uint64(binary.BigEndian.Uint16(l[:]))
	case 127:
		var l [8]byte
		_, err = io.ReadFull(br, l[:])
		n = binary.BigEndian.Uint64(l[:])
	}
	if err != nil {
		return
	}
	if n > 1<<22 {
		err = fmt.Errorf("server frame of %d bytes", n)
		return
	}
	payload = make([]byte, n)
	if _, err = io.ReadFull(br, payload); err != nil {
		err = fmt.Errorf("the payload of a %v frame: %w", op, err)
	}
	return
}

// expectEOF checks that the server closes the connection: the client
// reads nothing more, then the end of the stream (or a reset, if the
// server closed with input left unread).
func expectEOF(t *testing.T, c net.Conn, br *bufio.Reader) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	b, err := br.ReadByte()
	switch {
	case err == nil:
		t.Errorf("the server sent %#x after its close frame", b)
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
	default:
		t.Errorf("after the close frame: %v, want the server to close the connection", err)
	}
}

// pingFlood sends 50000 pings of 125 bytes while reading the pongs: the
// server must answer at least the last one (RFC 6455 5.5.3 lets it skip
// those overtaken by a later ping), hold no more memory for a flood than
// for one ping, and close normally after.
func pingFlood(t *testing.T, addr string) {
	c, br, _ := hostileDial(t, addr, false)
	defer c.Close()
	type result struct {
		pongs int
		last  string
		code  int
		err   error
	}
	lastPing := append([]byte("last"), make([]byte, 121)...)
	sawLast := make(chan struct{})
	done := make(chan result, 1)
	go func() {
		var r result
		for {
			_, _, op, payload, err := readServerFrame(br)
			if err != nil {
				r.err = err
				done <- r
				return
			}
			switch op {
			case opPong:
				r.pongs++
				r.last = string(payload)
				if bytes.Equal(payload, lastPing) {
					close(sawLast)
				}
			case opClose:
				if len(payload) >= 2 {
					r.code = int(binary.BigEndian.Uint16(payload))
				}
				done <- r
				return
			default:
				r.err = fmt.Errorf("server frame %v during the flood", op)
				done <- r
				return
			}
		}
	}()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const n = 50000
	payload := make([]byte, 125)
	w := bufio.NewWriterSize(c, 64<<10)
	for i := range n {
		binary.BigEndian.PutUint32(payload, uint32(i))
		if _, err := w.Write(hostileFrame(finBit|byte(opPing), payload)); err != nil {
			t.Fatalf("ping %d: %v", i, err)
		}
	}
	w.Write(hostileFrame(finBit|byte(opPing), lastPing))
	if err := w.Flush(); err != nil {
		t.Fatalf("flush: %v", err)
	}
	select {
	case <-sawLast:
	case r := <-done:
		t.Fatalf("the pong of the last ping did not come: %d pongs, then %v", r.pongs, r.err)
	case <-time.After(60 * time.Second):
		t.Fatal("the pong of the last ping did not come in 60 s")
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 4<<20 {
		t.Errorf("the heap grew by %d bytes during a flood of %d bytes of pings", grew, n*131)
	}
	c.Write(hostileFrame(finBit|byte(opClose), closeBody(1000, "")))
	r := <-done
	if r.err != nil || r.code != 1000 {
		t.Fatalf("after the flood: close code %d, %v", r.code, r.err)
	}
	t.Logf("%d pings, %d pongs", n+1, r.pongs)
	expectEOF(t, c, br)
}

// hostileKey masks the client's frames.
var hostileKey = [4]byte{0x37, 0xfa, 0x21, 0x3d}

// hostileFrame returns a masked client frame whose first byte is b0
// (FIN, reserved bits, opcode), with the shortest length form.
func hostileFrame(b0 byte, payload []byte) []byte {
	return hostileFrameForm(b0, payload, 0, true)
}

// hostileFrameForm returns a client frame with the length in the given
// form: 0 the shortest, 16 or 64 an extended one; masked or not.
func hostileFrameForm(b0 byte, payload []byte, form int, masked bool) []byte {
	b := hostileHeader(b0, uint64(len(payload)), form, masked)
	if masked {
		return append(b, maskedBody(0, payload)...)
	}
	return append(b, payload...)
}

// hostileHeader returns the header of a client frame that says length.
func hostileHeader(b0 byte, length uint64, form int, masked bool) []byte {
	var b1 byte
	if masked {
		b1 = maskBit
	}
	b := []byte{b0}
	switch {
	case form == 64 || form == 0 && length > 0xFFFF:
		b = binary.BigEndian.AppendUint64(append(b, b1|127), length)
	case form == 16 || form == 0 && length >= 126:
		b = binary.BigEndian.AppendUint16(append(b, b1|126), uint16(length))
	default:
		b = append(b, b1|byte(length))
	}
	if masked {
		b = append(b, hostileKey[:]...)
	}
	return b
}

// maskedBody returns p masked with hostileKey from offset pos of the
// payload.
func maskedBody(pos int, p []byte) []byte {
	b := bytes.Clone(p)
	for i := range b {
		b[i] ^= hostileKey[(pos+i)&3]
	}
	return b
}

// closeBody is a close frame's payload.
func closeBody(code uint16, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, code), reason...)
}

// fragments returns a binary message of size bytes of 'm' in frames of at
// most frame bytes. With headerOnly, the last frame is only its header:
// the server must refuse it at the header.
func fragments(size, frame int, headerOnly bool) []byte {
	var out []byte
	op := byte(opBinary)
	for size > 0 {
		n := min(size, frame)
		size -= n
		b0 := op
		if size == 0 {
			b0 |= finBit
			if headerOnly {
				return append(out, hostileHeader(b0, uint64(n), 0, true)...)
			}
		}
		out = append(out, hostileFrame(b0, bytes.Repeat([]byte{'m'}, n))...)
		op = byte(opContinuation)
	}
	return out
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// shorten prints messages with long payloads cut.
func shorten(msgs []hostileMsg) string {
	var b strings.Builder
	for _, m := range msgs {
		p := m.payload
		if len(p) > 40 {
			p = fmt.Sprintf("%s... (%d bytes)", p[:40], len(p))
		}
		fmt.Fprintf(&b, "[%v %q]", m.op, p)
	}
	return b.String()
}
