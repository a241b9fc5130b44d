package websocket

import (
	"bytes"
	"errors"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/executor"
)

// pipeStream is a connection's stream over an in-memory pipe: reads come
// from the pipe, writes are kept.
type pipeStream struct {
	*aio.PipeReader
	out bytes.Buffer
}

func (p *pipeStream) Write(b []byte) async.Future[async.Result[int]] {
	p.out.Write(b)
	return async.Ready(async.Result[int]{Value: len(b)})
}

func (p *pipeStream) Close() error { return p.PipeReader.Close() }

// frame builds a frame as a peer would send it: masked if mask.
func frame(fin bool, rsv uint8, op opcode, payload []byte, masked bool) []byte {
	var key *[4]byte
	if masked {
		key = &[4]byte{1, 2, 3, 4}
	}
	b := appendHeader(nil, fin, rsv, op, len(payload), key)
	n := len(b)
	b = append(b, payload...)
	if masked {
		mask(*key, 0, b[n:])
	}
	return b
}

// FuzzReadFrames feeds arbitrary bytes to a connection's reader, as the
// frames of a client (to a server's connection) or of a server. However
// hostile, the reader must end with an error that says what was wrong
// (or at the input's end), deliver only messages within the limits,
// never panic, and leave the stream with whole frames only.
func FuzzReadFrames(f *testing.F) {
	f.Add(true, frame(true, 0, opText, []byte("hello"), true))
	f.Add(true, append(frame(false, 0, opText, []byte("hel"), true), frame(true, 0, opContinuation, []byte("lo"), true)...))
	f.Add(true, append(frame(true, 0, opPing, []byte("p"), true), frame(true, 0, opClose, []byte{3, 232}, true)...))
	f.Add(false, frame(true, 0, opBinary, make([]byte, 300), false))
	f.Add(false, frame(true, rsv1Bit, opBinary, []byte{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}, false))
	f.Add(true, []byte{0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4})
	f.Fuzz(func(t *testing.T, server bool, input []byte) {
		const limit = 1 << 12
		pr, pw := aio.Pipe(len(input) + 1)
		s := &pipeStream{PipeReader: pr}
		_, err := executor.Run(async.Go(func(co *async.Co) struct{} {
			async.Await(co, pw.Write(input))
			pw.Close()
			o := &Options{MaxMessageSize: limit, Compression: true}
			c := newConn(s, co.Context().Reactor(), !server, o, new(shared), nil)
			if !server {
				c.negotiated(deflateParams{}, 1)
			} else {
				c.negotiated(deflateParams{clientNoTakeover: true}, 1)
			}
			for {
				m, err := async.Get(co, c.ReadMessage())
				if err != nil {
					var ce *CloseError
					if !errors.As(err, &ce) {
						t.Fatalf("read failed with %T %v, not a *CloseError", err, err)
					}
					return struct{}{}
				}
				if len(m.Data) > limit {
					t.Fatalf("a message of %d bytes passed the limit of %d", len(m.Data), limit)
				}
			}
		}))
		if err != nil {
			t.Fatal(err)
		}
		// What the reader wrote (pongs, a close frame) parses as whole
		// frames.
		out := s.out.Bytes()
		for len(out) > 0 {
			var h frameHeader
			n, err := parseHeader(out, &h)
			if err != nil || n == 0 || int64(len(out)-n) < h.length || !h.op.control() || h.masked == server {
				t.Fatalf("the reader wrote % x, not whole control frames", s.out.Bytes())
			}
			out = out[n+int(h.length):]
		}
	})
}

// FuzzParseHeader checks that a header parses back to what appendHeader
// wrote, and that parseHeader never reads past its input.
func FuzzParseHeader(f *testing.F) {
	f.Add([]byte{0x81, 0x05}, true, uint8(0), uint8(1), 5, false)
	f.Add([]byte{0x82, 0x7e, 0x00}, false, uint8(0x40), uint8(2), 70000, true)
	f.Fuzz(func(t *testing.T, raw []byte, fin bool, rsv, op uint8, length int, masked bool) {
		var h frameHeader
		parseHeader(raw, &h)
		if length < 0 {
			length = -length
		}
		if length < 0 {
			return
		}
		rsv &= rsv1Bit | rsv2Bit | rsv3Bit
		op &= 0x0F
		var key *[4]byte
		if masked {
			key = &[4]byte{9, 8, 7, 6}
		}
		b := appendHeader(nil, fin, rsv, opcode(op), length, key)
		n, err := parseHeader(b, &h)
		if err != nil || n != len(b) {
			t.Fatalf("parse of % x: %d, %v", b, n, err)
		}
		if h.fin != fin || h.rsv != rsv || h.op != opcode(op) || h.length != int64(length) || h.masked != masked {
			t.Fatalf("round trip of fin %v rsv %#x op %d length %d masked %v: %+v", fin, rsv, op, length, masked, h)
		}
		for i := range len(b) {
			if n, _ := parseHeader(b[:i], &h); n != 0 {
				t.Fatalf("a header cut to %d of %d bytes parsed", i, len(b))
			}
		}
	})
}
