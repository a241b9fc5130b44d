package http1

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/tasktest"
	"github.com/asyncgo/async/internal/testfut"
)

// pipeSource is a bodySource over the reading end of an aio.Pipe, as a
// connection's is over its socket: a buffer of fixed size and a fill that
// reads into its free space.
type pipeSource struct {
	pr    *aio.PipeReader
	buf   []byte
	r, w  int
	fills atomic.Int32 // fills asked for, read by other tasks
	f     pipeFill
}

func newPipeSource(pr *aio.PipeReader, size int) *pipeSource {
	s := &pipeSource{pr: pr, buf: make([]byte, size)}
	s.f.s = s
	return s
}

func (s *pipeSource) buffered() []byte { return s.buf[s.r:s.w] }

func (s *pipeSource) consume(n int) {
	if n < 0 || n > s.w-s.r {
		panic(fmt.Sprintf("consume(%d) of %d bytes", n, s.w-s.r))
	}
	s.r += n
}

func (s *pipeSource) fill() async.Future[error] {
	s.fills.Add(1)
	s.w = copy(s.buf, s.buf[s.r:s.w])
	s.r = 0
	s.f.rd = s.pr.Read(s.buf[s.w:])
	return &s.f
}

// rest reads what is left of the input, after a body: the buffered bytes
// and the pipe's, to its end.
func (s *pipeSource) rest(co *async.Co) string {
	out := string(s.buffered())
	s.consume(len(s.buffered()))
	for {
		if err := async.Await(co, s.fill()); err != nil {
			return out
		}
		out += string(s.buffered())
		s.consume(len(s.buffered()))
	}
}

// pipeFill is the future of pipeSource.fill.
type pipeFill struct {
	s  *pipeSource
	rd async.Future[async.Result[int]]
}

func (f *pipeFill) Poll(cx *async.Context) (error, bool) {
	res, ok := f.rd.Poll(cx)
	if !ok {
		return nil, false
	}
	f.s.w += res.Value
	if res.Value > 0 {
		return nil, true
	}
	return res.Err, true
}

func (f *pipeFill) Cancel() { f.rd.Cancel() }

// memSource is a bodySource for polling by hand: each fill adds the next
// of its pieces to its buffer, ready at once (or pending once first, if
// pend is set, as a socket not yet readable is).
type memSource struct {
	pieces [][]byte
	buf    []byte // a fixed array: the buffer never grows
	r, w   int
	fills  int
	pend   bool
	f      memFill
}

func newMemSource(size int, pieces ...[]byte) *memSource {
	s := &memSource{buf: make([]byte, size), pieces: pieces}
	s.f.s = s
	return s
}

func (s *memSource) buffered() []byte { return s.buf[s.r:s.w] }
func (s *memSource) consume(n int)    { s.r += n }

func (s *memSource) fill() async.Future[error] {
	s.fills++
	s.f.polled = false
	return &s.f
}

type memFill struct {
	s      *memSource
	polled bool
}

func (f *memFill) Poll(cx *async.Context) (error, bool) {
	s := f.s
	if s.pend && !f.polled {
		f.polled = true
		cx.Waker().Wake()
		return nil, false
	}
	if len(s.pieces) == 0 {
		return io.EOF, true
	}
	s.w = copy(s.buf, s.buf[s.r:s.w])
	s.r = 0
	s.w += copy(s.buf[s.w:], s.pieces[0])
	s.pieces = s.pieces[1:]
	return nil, true
}

func (f *memFill) Cancel() {}

// pollReady polls f by hand until it is ready, with a full budget each
// time, and fails t if it takes too many polls: memSource is pending once
// per fill at most, and a body takes a fill per piece.
func pollReady[T any](t testing.TB, cx *async.Context, f async.Future[T]) T {
	t.Helper()
	for range 1 << 12 {
		testfut.ResetBudget(cx)
		if v, ok := f.Poll(cx); ok {
			return v
		}
	}
	t.Fatalf("%T still pending", f)
	panic("unreachable")
}

// readAllHand reads r to its end by hand, p bytes at a time.
func readAllHand(t testing.TB, cx *async.Context, r *bodyReader, p []byte) ([]byte, error) {
	t.Helper()
	var got []byte
	for {
		res := pollReady(t, cx, r.Read(p))
		got = append(got, p[:res.Value]...)
		if res.Err != nil {
			if res.Err == io.EOF {
				return got, nil
			}
			return got, res.Err
		}
		if res.Value == 0 {
			t.Fatal("Read returned no bytes and no error")
		}
	}
}

// readBody reads r to its end from a coroutine, p bytes at a time.
func readBody(co *async.Co, r *bodyReader, p []byte) ([]byte, error) {
	var got []byte
	for {
		res := async.Await(co, r.Read(p))
		got = append(got, p[:res.Value]...)
		if res.Err == io.EOF {
			return got, nil
		}
		if res.Err != nil {
			return got, res.Err
		}
	}
}

// writePieces writes b to pw in pieces of random lengths and closes it.
func writePieces(co *async.Co, pw *aio.PipeWriter, b []byte, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	for len(b) > 0 {
		n := min(len(b), 1+rng.IntN(40))
		if res := async.Await(co, aio.WriteAll(pw, b[:n])); res.Err != nil {
			panic(res.Err)
		}
		b = b[n:]
	}
	pw.Close()
}

// randomBytes returns n random bytes.
func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.IntN(256))
	}
	return b
}

// encodeChunked frames body in chunks of random sizes.
func encodeChunked(rng *rand.Rand, body []byte) []byte {
	var enc []byte
	for len(body) > 0 {
		n := min(len(body), 1+rng.IntN(100))
		enc = appendChunk(enc, body[:n])
		body = body[n:]
	}
	enc, _ = appendLastChunk(enc, []byte("X-Check: ok\r\n"))
	return enc
}

// bodyCase is a body framed each of the three ways, with the message
// that follows it.
type bodyCase struct {
	name   string
	kind   bodyKind
	length int64
	wire   []byte // the body as sent, then the next message
	next   string // what follows the body
}

func bodyCases(body []byte) []bodyCase {
	rng := rand.New(rand.NewPCG(3, 4))
	const next = "GET /next HTTP/1.1\r\n"
	return []bodyCase{
		{"chunked", bodyChunked, 0, append(encodeChunked(rng, body), next...), next},
		{"length", bodyLength, int64(len(body)), append(bytes.Clone(body), next...), next},
		{"until-close", bodyUntilClose, 0, bytes.Clone(body), ""},
	}
}

// TestBodyReaderPipe reads bodies of each framing from a pipe written in
// random pieces by another task, on both executors, with reads of a few
// sizes; the bytes after the body are left for the next message.
func TestBodyReaderPipe(t *testing.T) {
	body := randomBytes(rand.New(rand.NewPCG(1, 1)), 3000)
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		for _, tc := range bodyCases(body) {
			for _, size := range []int{1, 7, 4096} {
				pr, pw := aio.Pipe(64)
				src := newPipeSource(pr, 128)
				var r bodyReader
				if err := r.reset(src, tc.kind, tc.length, defaultBodyLimits()); err != nil {
					t.Fatal(err)
				}
				tasktest.Run(t, x, async.Go(func(co *async.Co) struct{} {
					h := async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
						writePieces(co, pw, tc.wire, uint64(size))
						return struct{}{}
					}))
					got, err := readBody(co, &r, make([]byte, size))
					if err != nil || !bytes.Equal(got, body) {
						t.Errorf("%s, reads of %d: %d bytes, %v; want the body of %d", tc.name, size, len(got), err, len(body))
					}
					if r.reusable() != (tc.kind != bodyUntilClose) {
						t.Errorf("%s: reusable() = %v", tc.name, r.reusable())
					}
					if rest := src.rest(co); rest != tc.next {
						t.Errorf("%s: after the body %q, want %q", tc.name, rest, tc.next)
					}
					async.Await(co, h)
					return struct{}{}
				}))
			}
		}
	})
}

// A body of no length, and a body of none, end at once without reading.
func TestBodyReaderEmpty(t *testing.T) {
	cx := testfut.NewContext(&testfut.Waker{})
	for _, kind := range []bodyKind{bodyNone, bodyLength} {
		src := newMemSource(16, []byte("next"))
		var r bodyReader
		if err := r.reset(src, kind, 0, defaultBodyLimits()); err != nil {
			t.Fatal(err)
		}
		if res := pollReady(t, cx, r.Read(make([]byte, 8))); res.Err != io.EOF || src.fills != 0 {
			t.Errorf("kind %d: %+v after %d fills, want io.EOF and none", kind, res, src.fills)
		}
		if !r.reusable() {
			t.Errorf("kind %d: not reusable", kind)
		}
	}
}

// The input ending inside a body is an error that wraps
// io.ErrUnexpectedEOF, with the status 400; for a body the connection's
// end ends, it is the end.
func TestBodyReaderCutShort(t *testing.T) {
	body := []byte("hello, world")
	cx := testfut.NewContext(&testfut.Waker{})
	for _, tc := range bodyCases(body) {
		src := newMemSource(64, tc.wire[:len(body)-3])
		var r bodyReader
		r.reset(src, tc.kind, tc.length, defaultBodyLimits())
		got, err := readAllHand(t, cx, &r, make([]byte, 5))
		if tc.kind == bodyUntilClose {
			if err != nil || string(got) != string(body[:len(body)-3]) {
				t.Errorf("%s: %q, %v", tc.name, got, err)
			}
			continue
		}
		var be *bodyError
		if !errors.Is(err, io.ErrUnexpectedEOF) || !errors.As(err, &be) || be.Status() != 400 {
			t.Errorf("%s: %v, want a 400 wrapping io.ErrUnexpectedEOF", tc.name, err)
		}
		if r.reusable() {
			t.Errorf("%s: reusable after a body cut short", tc.name)
		}
	}
}

// A malformed body hands on the data before the error, then the error to
// every Read.
func TestBodyReaderMalformed(t *testing.T) {
	cx := testfut.NewContext(&testfut.Waker{})
	src := newMemSource(64, []byte("3\r\nabc\r\n"), []byte("z\r\n"))
	var r bodyReader
	r.reset(src, bodyChunked, 0, defaultBodyLimits())
	got, err := readAllHand(t, cx, &r, make([]byte, 8))
	if string(got) != "abc" || err == nil || err.Error() != `http1: invalid chunk size "z"` {
		t.Fatalf("%q, %v", got, err)
	}
	if res := pollReady(t, cx, r.Read(make([]byte, 8))); res.Err != err {
		t.Fatalf("the next Read: %+v, want the same error", res)
	}
}

// The body limit: a Content-Length over it is a 413 up front; a chunked
// body or one read until close, as soon as it goes over.
func TestBodyReaderLimit(t *testing.T) {
	limits := bodyLimits{body: 10, chunkExt: 10, trailer: 10}
	cx := testfut.NewContext(&testfut.Waker{})
	var r bodyReader
	err := r.reset(newMemSource(64), bodyLength, 11, limits)
	if res := pollReady(t, cx, r.Read(make([]byte, 8))); res.Err != err || err == nil {
		t.Fatalf("Content-Length 11: reset %v, Read %+v; want a 413 from both", err, res)
	}
	for _, tc := range bodyCases(bytes.Repeat([]byte("x"), 11)) {
		if tc.kind == bodyLength {
			continue
		}
		r.reset(newMemSource(256, tc.wire), tc.kind, 0, limits)
		got, err := readAllHand(t, cx, &r, make([]byte, 4))
		var be *bodyError
		if !errors.As(err, &be) || be.Status() != 413 || len(got) > 10 {
			t.Errorf("%s: %d bytes, %v; want a 413 within 10 bytes", tc.name, len(got), err)
		}
	}
}

// TestBodyReaderBackpressure: a Read reads the source only when nothing
// is buffered, and a reader that is not read reads nothing.
func TestBodyReaderBackpressure(t *testing.T) {
	cx := testfut.NewContext(&testfut.Waker{})
	wire := chunkedBody(1000, 100)
	src := newMemSource(2048, wire[:500], wire[500:])
	var r bodyReader
	r.reset(src, bodyChunked, 0, defaultBodyLimits())
	if src.fills != 0 {
		t.Fatal("reset read the source")
	}
	p := make([]byte, 10)
	pollReady(t, cx, r.Read(p))
	if src.fills != 1 || len(src.buffered()) != 500-4-10 {
		t.Fatalf("after one Read of 10 bytes: %d fills, %d bytes buffered; want 1 and %d", src.fills, len(src.buffered()), 500-14)
	}
	for range 40 {
		pollReady(t, cx, r.Read(p))
	}
	if src.fills != 1 {
		t.Fatalf("reads served from the buffer filled it: %d fills", src.fills)
	}
}

// A Read takes a unit of the budget when it serves buffered bytes, and
// gives way, consuming nothing, when none is left.
func TestBodyReaderBudget(t *testing.T) {
	w := &testfut.Waker{}
	cx := testfut.NewContext(w)
	src := newMemSource(64, []byte("5\r\nhello\r\n0\r\n\r\n"))
	var r bodyReader
	r.reset(src, bodyChunked, 0, defaultBodyLimits())
	p := make([]byte, 1)
	pollReady(t, cx, r.Read(p))
	for cx.Proceed() {
	}
	f := r.Read(p)
	if _, ok := f.Poll(cx); ok || w.Wakes() != 1 {
		t.Fatalf("with no budget: ready %v, %d wakes; want pending and woken", ok, w.Wakes())
	}
	if res := pollReady(t, cx, f); res.Value != 1 || p[0] != 'e' {
		t.Fatalf("the next poll: %+v %q, want \"e\"", res, p)
	}
}

// TestBodyDrain drains bodies within and over the limit, malformed and
// until close, and reports whether the connection can be reused.
func TestBodyDrain(t *testing.T) {
	cx := testfut.NewContext(&testfut.Waker{})
	body := bytes.Repeat([]byte("0123456789"), 100)
	for _, tc := range bodyCases(body) {
		for _, limit := range []int64{500, 989, 990, 1 << 20} {
			src := newMemSource(4096, tc.wire[:300], tc.wire[300:])
			var r bodyReader
			r.reset(src, tc.kind, tc.length, defaultBodyLimits())
			pollReady(t, cx, r.Read(make([]byte, 10))) // part read, then left
			got := pollReady(t, cx, r.drain(limit))
			want := limit >= 990 && tc.kind != bodyUntilClose
			if got != want {
				t.Errorf("%s, limit %d: drain = %v, want %v", tc.name, limit, got, want)
			}
			if want && (!r.reusable() || string(src.buffered()) != tc.next) {
				t.Errorf("%s: after the drain %q buffered, reusable %v", tc.name, src.buffered(), r.reusable())
			}
		}
	}
	src := newMemSource(64, []byte("3\r\nabc\r\nz\r\n"))
	var r bodyReader
	r.reset(src, bodyChunked, 0, defaultBodyLimits())
	if pollReady(t, cx, r.drain(100)) {
		t.Error("a malformed body drained as reusable")
	}
	r.reset(newMemSource(64, []byte("0\r\n\r\n")), bodyChunked, 0, defaultBodyLimits())
	readAllHand(t, cx, &r, make([]byte, 4))
	if !pollReady(t, cx, r.drain(0)) {
		t.Error("a body read to its end did not drain as reusable")
	}
}

// TestBodyReaderAllocs: reading a body allocates nothing, nor does
// rearming the reader for the next one.
func TestBodyReaderAllocs(t *testing.T) {
	cx := testfut.NewContext(&testfut.Waker{})
	wire := chunkedBody(64<<10, 4<<10)
	var pieces [][]byte
	for off := 0; off < len(wire); off += 1500 {
		pieces = append(pieces, wire[off:min(off+1500, len(wire))])
	}
	src := newMemSource(4096)
	p := make([]byte, 4096)
	var r bodyReader
	allocs := testing.AllocsPerRun(20, func() {
		src.pieces, src.r, src.w = pieces, 0, 0
		r.reset(src, bodyChunked, 0, defaultBodyLimits())
		for {
			testfut.ResetBudget(cx)
			res, ok := r.Read(p).Poll(cx)
			if !ok {
				t.Fatal("pending")
			}
			if res.Err != nil {
				break
			}
		}
	})
	if allocs != 0 {
		t.Errorf("reading a 64 KiB body: %v allocations, want 0", allocs)
	}
}

// cancelBodyRead cancels a Read that waits for the source one of the
// three ways, then writes the body: the next Read loses none of it.
func cancelBodyRead(t *testing.T, way tasktest.Way[async.Result[int]]) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		body := []byte("hello, world")
		for _, tc := range bodyCases(body) {
			pr, pw := aio.Pipe(16)
			src := newPipeSource(pr, 32)
			var r bodyReader
			r.reset(src, tc.kind, tc.length, defaultBodyLimits())
			way(t, x, r.Read(make([]byte, 8)), func() bool { return src.fills.Load() > 0 })
			tasktest.Run(t, x, async.Go(func(co *async.Co) struct{} {
				h := async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
					writePieces(co, pw, tc.wire, 1)
					return struct{}{}
				}))
				got, err := readBody(co, &r, make([]byte, 5))
				if err != nil || string(got) != string(body) {
					t.Errorf("%s: after the cancelled Read: %q, %v", tc.name, got, err)
				}
				if rest := src.rest(co); rest != tc.next {
					t.Errorf("%s: after the body %q, want %q", tc.name, rest, tc.next)
				}
				async.Await(co, h)
				return struct{}{}
			}))
		}
	})
}

// A Read that loses a Select gives up its fill of the source and keeps
// every byte: nothing was consumed.
func TestCancelSafetyBodyReadSelect(t *testing.T) {
	cancelBodyRead(t, tasktest.LostInSelect[async.Result[int]])
}

// A Read that times out gives up its fill and keeps every byte.
func TestCancelSafetyBodyReadTimeout(t *testing.T) {
	cancelBodyRead(t, tasktest.TimedOut[async.Result[int]])
}

// A Read whose task is aborted gives up its fill and keeps every byte.
func TestCancelSafetyBodyReadAbort(t *testing.T) {
	cancelBodyRead(t, tasktest.Aborted[async.Result[int]])
}

// A drain cancelled while it waits for the source keeps its place: a
// later Read or drain goes on from where it stopped.
func TestCancelSafetyBodyDrain(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		for _, way := range []tasktest.Way[bool]{tasktest.LostInSelect[bool], tasktest.TimedOut[bool], tasktest.Aborted[bool]} {
			pr, pw := aio.Pipe(16)
			src := newPipeSource(pr, 32)
			var r bodyReader
			r.reset(src, bodyLength, 12, defaultBodyLimits())
			way(t, x, r.drain(100), func() bool { return src.fills.Load() > 0 })
			tasktest.Run(t, x, async.Go(func(co *async.Co) struct{} {
				h := async.Spawn(co.Context(), async.Go(func(co *async.Co) struct{} {
					writePieces(co, pw, []byte("hello, worldNEXT"), 2)
					return struct{}{}
				}))
				if !async.Await(co, r.drain(100)) {
					t.Error("the drain after the cancelled one did not end the body")
				}
				if rest := src.rest(co); rest != "NEXT" {
					t.Errorf("after the body %q, want NEXT", rest)
				}
				async.Await(co, h)
				return struct{}{}
			}))
		}
	})
}

// TestStressBodyKeepAlive reads many bodies of every framing back to back
// from one pipe, as requests on a keep-alive connection, with one
// bodyReader rearmed for each; one body in three is drained instead of
// read. The writer and the reader are tasks of the multi-thread executor.
func TestStressBodyKeepAlive(t *testing.T) {
	const messages = 60
	rng := rand.New(rand.NewPCG(5, 6))
	var wire []byte
	bodies := make([][]byte, messages)
	kinds := make([]bodyKind, messages)
	for i := range bodies {
		bodies[i] = randomBytes(rng, rng.IntN(600))
		if rng.IntN(2) == 0 {
			kinds[i] = bodyChunked
			wire = append(wire, encodeChunked(rng, bodies[i])...)
		} else {
			kinds[i] = bodyLength
			wire = append(wire, bodies[i]...)
		}
		wire = strconv.AppendInt(wire, int64(i), 10)
		wire = append(wire, '\n')
	}
	pr, pw := aio.Pipe(32)
	src := newPipeSource(pr, 256)
	writer := async.Go(func(co *async.Co) struct{} {
		writePieces(co, pw, wire, 9)
		return struct{}{}
	})
	reader := async.Go(func(co *async.Co) struct{} {
		var r bodyReader
		p := make([]byte, 37)
		for i := range bodies {
			if err := r.reset(src, kinds[i], int64(len(bodies[i])), defaultBodyLimits()); err != nil {
				t.Error(err)
				return struct{}{}
			}
			if i%3 == 2 {
				if !async.Await(co, r.drain(1<<20)) {
					t.Errorf("message %d did not drain", i)
					return struct{}{}
				}
			} else if got, err := readBody(co, &r, p); err != nil || !bytes.Equal(got, bodies[i]) {
				t.Errorf("message %d: %d bytes, %v; want %d", i, len(got), err, len(bodies[i]))
				return struct{}{}
			}
			// The line after the body is read from the source, as a head
			// parser would.
			want := strconv.Itoa(i) + "\n"
			for len(src.buffered()) < len(want) {
				if err := async.Await(co, src.fill()); err != nil {
					t.Errorf("after message %d: %v", i, err)
					return struct{}{}
				}
			}
			if got := string(src.buffered()[:len(want)]); got != want {
				t.Errorf("after message %d: %q, want %q", i, got, want)
				return struct{}{}
			}
			src.consume(len(want))
		}
		if rest := src.rest(co); rest != "" {
			t.Errorf("after the last message: %q", rest)
		}
		return struct{}{}
	})
	tasktest.Stress(t, writer, reader)
}

// BenchmarkBodyReader reads a 64 KiB body sent in 4 KiB chunks through a
// bodyReader, 4 KiB at a time, from a buffer filled 1500 bytes at a time
// (a packet's worth): the decoder, the copy out and the fills.
func BenchmarkBodyReader(b *testing.B) {
	cx := testfut.NewContext(&testfut.Waker{})
	wire := chunkedBody(64<<10, 4<<10)
	var pieces [][]byte
	for off := 0; off < len(wire); off += 1500 {
		pieces = append(pieces, wire[off:min(off+1500, len(wire))])
	}
	src := newMemSource(4096)
	p := make([]byte, 4096)
	var r bodyReader
	b.SetBytes(64 << 10)
	b.ReportAllocs()
	for b.Loop() {
		src.pieces, src.r, src.w = pieces, 0, 0
		r.reset(src, bodyChunked, 0, defaultBodyLimits())
		for {
			testfut.ResetBudget(cx)
			res, ok := r.Read(p).Poll(cx)
			if !ok {
				b.Fatal("pending")
			}
			if res.Err != nil {
				break
			}
		}
	}
}
