package lifecycle

import (
	"encoding/binary"
	"errors"
	"io"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
)

// pipeSize is the capacity of the pipes of the aio cases.
const pipeSize = 64

// fullPipe returns a pipe that holds pipeSize bytes of filler, so that a
// write waits.
func fullPipe(h *H) (*aio.PipeReader, *aio.PipeWriter) {
	pr, pw := aio.Pipe(pipeSize)
	filler := make([]byte, pipeSize)
	for i := range filler {
		filler[i] = 'f'
	}
	if n := get(h, "fill the pipe", pw.Write(filler)); n != pipeSize {
		h.fatalf("filled %d bytes of %d", n, pipeSize)
	}
	return pr, pw
}

// expectText awaits f, a read of a line, a slice or a frame, and checks
// what it read.
func expectText(h *H, what string, f async.Future[async.Result[[]byte]], want string) {
	h.t.Helper()
	if got := string(get(h, what, f)); got != want {
		h.errorf("%s = %q, want %q", what, got, want)
	}
}

// frame is p with its length-prefix header.
func frame(p string) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(p)))
	return append(b, p...)
}

// aioCases are package aio's futures, over TCP connections where the
// helper is meant for sockets (Copy, CopyBidirectional) and over pipes
// elsewhere, so that a read waits on an empty source and a write on a full
// destination. The buffered readers are shown to keep what they had read
// before the cancellation.
func aioCases() []lcase {
	return []lcase{
		{name: "aio.Copy", pendable: true, body: func(h *H) {
			a1, a2 := tcpPair(h) // Copy reads a2 ...
			defer a1.Close()
			defer a2.Close()
			b1, b2 := tcpPair(h) // ... and writes b1
			defer b1.Close()
			defer b2.Close()
			cancel(h, aio.Copy(b1, a2, make([]byte, 64)), 1)
			expectStream(h, a1, a2, 0, "ping")
			expectStream(h, b1, b2, 0, "pong")
		}},
		{name: "aio.CopyBidirectional", pendable: true, body: func(h *H) {
			a1, a2 := tcpPair(h)
			defer a1.Close()
			defer a2.Close()
			b1, b2 := tcpPair(h)
			defer b1.Close()
			defer b2.Close()
			cancel(h, aio.CopyBidirectional(a2, b1, nil, nil), 2)
			expectStream(h, a1, a2, 0, "ping")
			expectStream(h, b2, b1, 0, "pong")
		}},
		{name: "aio.ReadFull", pendable: true, body: func(h *H) {
			pr, pw := aio.Pipe(pipeSize)
			cancel(h, aio.ReadFull(pr, make([]byte, 4)), 0)
			buf := make([]byte, 4)
			res := await(h, async.Join2(aio.WriteAll(pw, []byte("ping")), aio.ReadFull(pr, buf)))
			h.must(res.V1.Err, "write")
			h.must(res.V2.Err, "ReadFull after the cancellation")
			if string(buf) != "ping" {
				h.errorf("ReadFull read %q, want ping", buf)
			}
		}},
		{name: "aio.WriteAll", pendable: true, body: func(h *H) {
			pr, pw := fullPipe(h)
			cancel(h, aio.WriteAll(pw, []byte("lost")), 0)
			expectStream(h, pw, pr, pipeSize, "ping")
		}},
		{name: "aio.PipeReader.Read", pendable: true, body: func(h *H) {
			pr, pw := aio.Pipe(pipeSize)
			cancel(h, pr.Read(make([]byte, 8)), 0)
			expectStream(h, pw, pr, 0, "ping")
			h.must(pw.Close(), "close")
			expectEOF(h, pr)
		}},
		{name: "aio.PipeWriter.Write", pendable: true, body: func(h *H) {
			pr, pw := fullPipe(h)
			cancel(h, pw.Write([]byte("lost")), 0)
			expectStream(h, pw, pr, pipeSize, "ping")
		}},
		{name: "aio.BufReader.Read", pendable: true, body: func(h *H) {
			pr, pw := aio.Pipe(pipeSize)
			br := aio.NewReader(pr, 32)
			cancel(h, br.Read(make([]byte, 8)), 0)
			expectStream(h, pw, br, 0, "ping")
		}},
		{name: "aio.BufReader.ReadSlice", pendable: true, body: func(h *H) {
			pr, pw := aio.Pipe(pipeSize)
			br := aio.NewReader(pr, 32)
			get(h, "write", pw.Write([]byte("pi"))) // half a record, no delimiter
			cancel(h, br.ReadSlice(';'), 0)
			get(h, "write", pw.Write([]byte("ng;")))
			expectText(h, "ReadSlice after the cancellation", br.ReadSlice(';'), "ping;")
		}},
		{name: "aio.BufReader.ReadLine", pendable: true, body: func(h *H) {
			pr, pw := aio.Pipe(pipeSize)
			br := aio.NewReader(pr, 32)
			get(h, "write", pw.Write([]byte("pi"))) // half a line
			cancel(h, br.ReadLine(), 0)
			get(h, "write", pw.Write([]byte("ng\n")))
			expectText(h, "ReadLine after the cancellation", br.ReadLine(), "ping")
		}},
		{name: "aio.BufWriter.Write", pendable: true, body: func(h *H) {
			// The buffer is almost full and the pipe full, so a Write takes
			// what fits and waits. What a cancelled Write took stays in the
			// buffer: the stream has the filler, the buffered bytes, a
			// prefix of "lost", then what comes next.
			pr, pw := fullPipe(h)
			bw := aio.NewWriter(pw, 16)
			const head = "0123456789abcde"
			get(h, "buffered write", bw.Write([]byte(head)))
			cancel(h, bw.Write([]byte("lost")), 0)
			kept := bw.Buffered() - len(head)
			if kept < 0 || kept > 4 {
				h.fatalf("%d bytes buffered after the cancellation, want %d and at most 4 of the cancelled write", bw.Buffered(), len(head))
			}
			buf := make([]byte, pipeSize+len(head)+kept+4)
			res := await(h, async.Join2(
				async.Then(bw.Write([]byte("ping")), func(r async.Result[int]) async.Future[error] {
					h.must(r.Err, "write after the cancellation")
					return bw.Flush()
				}),
				aio.ReadFull(pr, buf),
			))
			h.must(res.V1, "flush")
			h.must(res.V2.Err, "read")
			if got, want := string(buf[pipeSize:]), head+"lost"[:kept]+"ping"; got != want {
				h.errorf("the stream after the filler is %q, want %q", got, want)
			}
		}},
		{name: "aio.BufWriter.Flush", pendable: true, body: func(h *H) {
			pr, pw := fullPipe(h)
			bw := aio.NewWriter(pw, 16)
			get(h, "buffered write", bw.Write([]byte("ping")))
			cancel(h, bw.Flush(), 0)
			if n := bw.Buffered(); n != 4 {
				h.errorf("%d bytes buffered after a cancelled Flush, want 4", n)
			}
			expectWrite(h, async.Map(bw.Flush(), func(err error) async.Result[int] { return async.Result[int]{Value: 4, Err: err} }), pr, pipeSize, "ping")
		}},
		{name: "aio.LineReader.Next", pendable: true, body: func(h *H) {
			pr, pw := aio.Pipe(pipeSize)
			lr := aio.NewLineReader(pr, 32)
			get(h, "write", pw.Write([]byte("pi")))
			cancel(h, lr.Next(), 0)
			get(h, "write", pw.Write([]byte("ng\r\n")))
			expectText(h, "Next after the cancellation", lr.Next(), "ping")
		}},
		{name: "aio.FrameReader.Next", pendable: true, body: func(h *H) {
			pr, pw := aio.Pipe(pipeSize)
			fr := aio.NewFrameReader(pr, 32)
			f := frame("ping")
			get(h, "write", pw.Write(f[:6])) // the header and half the payload
			cancel(h, fr.Next(), 0)
			get(h, "write", pw.Write(f[6:]))
			expectText(h, "Next after the cancellation", fr.Next(), "ping")
			h.must(pw.Close(), "close")
			if _, err := await(h, fr.Next()).Get(); !errors.Is(err, io.EOF) {
				h.errorf("Next at the end: %v, want io.EOF", err)
			}
		}},
		{name: "aio.FrameWriter.WriteFrame", pendable: true, body: func(h *H) {
			// The pipe is full, so the frame waits and none of it is
			// written; the next frame follows the filler whole.
			pr, pw := fullPipe(h)
			fw := aio.NewFrameWriter(pw)
			cancel(h, fw.WriteFrame([]byte("lost")), 0)
			expectWrite(h, async.Map(fw.WriteFrame([]byte("ping")), func(err error) async.Result[int] { return async.Result[int]{Value: 8, Err: err} }),
				pr, pipeSize, string(frame("ping")))
		}},
	}
}
