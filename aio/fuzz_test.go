package aio

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

// The fuzz targets here feed the fuzzer's bytes through the readers of
// this package that parse what a peer sends: BufReader.ReadLine and
// ReadSlice, LineReader and FrameReader. The source they read from
// follows a schedule that the fuzzer chooses too (how many bytes each
// read gives, which reads are pending first, which are cancelled while
// pending), and every result is compared with a reference decoder that
// works on the whole input at once. So a line or a frame cut by the reads
// anywhere, into any number of pieces, must come out as if it had come in
// one read. Each also checks that the reader's memory stays within its
// bound, that the documented errors come, and that the end of the stream
// is returned again and again without reading the source after it.
//
// Run one with
//
//	go test -run='^$' -fuzz='^FuzzFrameReader$' -fuzztime=5s ./aio
//
// Seeds are in the f.Add calls and in testdata/fuzz/<target>.

// errFuzzFailure is what a fuzz source fails with, instead of ending with
// io.EOF, when the input asks for a failure.
var errFuzzFailure = errors.New("aio: the fuzz source failed")

// fuzzSource is a Reader over data whose reads follow a schedule taken
// from the fuzzer's input: one byte a read, in turn, over and over.
//
//	bits 0-5  the read gives at most this many bytes plus one
//	bit 6     the read is pending once first, having woken its task
//	bit 7     and while it is pending, the caller is to cancel it and call again
//
// An empty schedule makes each read fill the buffer it is given. After
// the data, every read returns end.
type fuzzSource struct {
	data  []byte
	sched []byte
	end   error
	i     int    // the schedule byte of the next read
	buf   []byte // the buffer of the read in flight, or nil
	// pended says the read in flight was pending once; fresh, that it
	// follows a cancelled read, and so is not pending at all: a schedule
	// of nothing but cancels still makes progress.
	pended, fresh bool
	cancel        bool   // the caller is to cancel the pending read
	ends          int    // reads that returned end
	misuse        string // the first breach of the Reader contract by the caller, if any
}

func (s *fuzzSource) Read(buf []byte) async.Future[async.Result[int]] {
	switch {
	case s.misuse != "":
	case s.buf != nil:
		s.misuse = "Read while a Read is in flight"
	case len(buf) == 0:
		// The readers never ask for nothing: that would mean a full
		// buffer, which they must deal with before reading.
		s.misuse = "Read into an empty buffer"
	}
	s.buf = buf
	return s
}

func (s *fuzzSource) Poll(cx *async.Context) (async.Result[int], bool) {
	step := byte(0x3f)
	if len(s.sched) > 0 {
		step = s.sched[s.i%len(s.sched)]
	}
	if step&0x40 != 0 && !s.pended && !s.fresh {
		s.pended, s.cancel = true, step&0x80 != 0
		cx.Waker().Wake()
		return async.Result[int]{}, false
	}
	buf := s.buf
	s.i++
	s.buf, s.pended, s.fresh, s.cancel = nil, false, false, false
	if len(s.data) == 0 {
		s.ends++
		return async.Err[int](s.end), true
	}
	limit := len(buf)
	if len(s.sched) > 0 {
		limit = min(limit, int(step&0x3f)+1)
	}
	n := copy(buf[:limit], s.data)
	s.data = s.data[n:]
	return async.Ok(n), true
}

func (s *fuzzSource) Cancel() {
	if s.buf == nil {
		return
	}
	s.i++
	s.buf, s.pended, s.cancel, s.fresh = nil, false, false, true
}

// fuzzRun is one run of a fuzz target: a source, and a waker that counts,
// to poll by hand.
type fuzzRun struct {
	t   *testing.T
	cx  *async.Context
	w   *testfut.Waker
	src *fuzzSource
}

func newFuzzRun(t *testing.T, data, sched []byte, fail bool) *fuzzRun {
	cx, w := handContext()
	src := &fuzzSource{data: data, sched: sched, end: io.EOF}
	if fail {
		src.end = errFuzzFailure
	}
	return &fuzzRun{t: t, cx: cx, w: w, src: src}
}

// fuzzAwait polls the future that call returns until it is ready, as an
// executor would; when the source asks for it, it cancels the pending
// future and calls again, as a task that lost a Select and tried again
// would.
func fuzzAwait[T any](r *fuzzRun, call func() async.Future[T]) T {
	r.t.Helper()
	f := call()
	for range 1 << 20 {
		woken := r.w.Wakes()
		// A full budget for each poll, as an executor gives: a future
		// that gave way for a spent budget is polled again with a new
		// one (a stream of many short results spends more than one).
		testfut.ResetBudget(r.cx)
		if v, ok := f.Poll(r.cx); ok {
			return v
		}
		// A future that is pending must have left its waker with
		// something that will call it: here, only the source can.
		if r.w.Wakes() == woken {
			r.t.Fatalf("%T is pending and nothing will wake it", f)
		}
		if r.src.cancel {
			f.Cancel()
			if r.src.buf != nil {
				r.t.Fatalf("cancelling %T left its read of the source in flight", f)
			}
			f = call()
		}
	}
	r.t.Fatalf("%T is still pending after 2²⁰ polls", f)
	panic("unreachable")
}

// checkEnd checks that the stream's end, or failure, is what comes after
// the last line or frame, and keeps coming, and that the source was not
// read again after it.
func (r *fuzzRun) checkEnd(next func() async.Future[async.Result[[]byte]]) {
	r.t.Helper()
	for i := range 2 {
		res := fuzzAwait(r, next)
		if len(res.Value) != 0 || res.Err != r.src.end {
			r.t.Fatalf("call %d after the last result = %q, %v; want %v", i+1, res.Value, res.Err, r.src.end)
		}
	}
	if r.src.ends != 1 {
		r.t.Errorf("the source was read %d times after its end, want once", r.src.ends-1)
	}
	if r.src.misuse != "" {
		r.t.Errorf("the reader broke the Reader contract: %s", r.src.misuse)
	}
}

// checkTooLong checks that err is the *TooLongError of a line, naming max.
func checkTooLong(t *testing.T, err error, max int) {
	t.Helper()
	var tl *TooLongError
	if !errors.As(err, &tl) || !errors.Is(err, ErrTooLong) || tl.What != "line" || tl.Len != -1 || tl.Max != max {
		t.Fatalf("error %v, want the TooLongError of a line longer than %d", err, max)
	}
}

// refLines returns the lines of data the plain way, with bytes.Split:
// without their "\n" or "\r\n"; the last line, if data does not end
// with a newline, is kept whole, its '\r' too unless crLast is set.
func refLines(data []byte, crLast bool) [][]byte {
	parts := bytes.Split(data, []byte("\n"))
	var lines [][]byte
	for _, p := range parts[:len(parts)-1] {
		lines = append(lines, bytes.TrimSuffix(p, []byte("\r")))
	}
	if last := parts[len(parts)-1]; len(last) > 0 {
		if crLast {
			last = bytes.TrimSuffix(last, []byte("\r"))
		}
		lines = append(lines, last)
	}
	return lines
}

// fuzzSeed is a seed of the line targets.
type fuzzSeed struct {
	data, sched string
	size        uint8
	fail        bool
}

// lineSeeds returns inputs that reach the edges of the line readers:
// lines about as long as the buffer, "\r\n" cut by the buffer's end, a
// lone '\r', empty lines, the end right after a full buffer.
func lineSeeds() []fuzzSeed {
	return []fuzzSeed{
		{"", "", 0, false},
		{"one\ntwo\r\n\nfour", "", 0, false},
		{"one\ntwo\r\n\nfour", "\x00", 0, true},
		{"xxxxxxxxxxxxxxxx", "\x40", 0, false},
		{"xxxxxxxxxxxxxxxx\n", "\x0f\xc0", 0, false},
		{"xxxxxxxxxxxxxxx\r\nyyyyyyyyyyyyyyyy\r\nz", "\x0e\x41\x82", 0, false},
		{"xxxxxxxxxxxxxxxxx\r\r\n\r", "\x10\xc3", 0, false},
		{"a\rb\nc\r", "\x01", 0, false},
		{"0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEF\n\n", "\x05\xc7\x12", 3, false},
		{"\n\n\r\n\r\r\n", "\xc0", 1, true},
	}
}

func FuzzBufReaderReadLine(f *testing.F) {
	for _, s := range lineSeeds() {
		f.Add([]byte(s.data), []byte(s.sched), s.size, s.fail)
	}
	f.Fuzz(func(t *testing.T, data, sched []byte, size uint8, fail bool) {
		r := newFuzzRun(t, data, sched, fail)
		br := NewReader(r.src, MinBufferSize+int(size%64))
		n := 0
		for _, line := range refLines(data, false) {
			// A line longer than the buffer comes in pieces of Size
			// bytes with an error, the last one (never empty) without.
			for {
				piece := line[:min(len(line), br.Size())]
				line = line[len(piece):]
				res := fuzzAwait(r, br.ReadLine)
				n++
				if !bytes.Equal(res.Value, piece) {
					t.Fatalf("result %d = %q, %v; want %q", n, res.Value, res.Err, piece)
				}
				if len(line) == 0 {
					if res.Err != nil {
						t.Fatalf("result %d = %q, %v; want no error", n, res.Value, res.Err)
					}
					break
				}
				checkTooLong(t, res.Err, br.Size())
			}
		}
		r.checkEnd(br.ReadLine)
		if len(br.b.buf) != br.Size()+eolRoom {
			t.Errorf("the buffer has %d bytes, want %d: it must not grow", len(br.b.buf), br.Size()+eolRoom)
		}
	})
}

// errReader is an io.Reader that fails with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func FuzzBufReaderReadSlice(f *testing.F) {
	for _, s := range lineSeeds() {
		f.Add([]byte(s.data), []byte(s.sched), s.size, s.fail, byte('\n'))
	}
	f.Add([]byte("a,bc,,def,"), []byte("\x01"), uint8(0), false, byte(','))
	f.Add([]byte("0123456789abcdef,0123456789abcde,"), []byte("\x0f\x40"), uint8(0), false, byte(','))
	f.Fuzz(func(t *testing.T, data, sched []byte, size uint8, fail bool, delim byte) {
		r := newFuzzRun(t, data, sched, fail)
		br := NewReader(r.src, MinBufferSize+int(size%64))
		// ReadSlice is documented to do what bufio.Reader.ReadSlice
		// does, with ErrTooLong for bufio.ErrBufferFull: that is the
		// reference.
		var src io.Reader = bytes.NewReader(data)
		if fail {
			src = io.MultiReader(src, errReader{errFuzzFailure})
		}
		ref := bufio.NewReaderSize(src, br.Size())
		if ref.Size() != br.Size() {
			t.Fatalf("bufio made a buffer of %d bytes, not %d", ref.Size(), br.Size())
		}
		for n := 1; ; n++ {
			want, wantErr := ref.ReadSlice(delim)
			res := fuzzAwait(r, func() async.Future[async.Result[[]byte]] { return br.ReadSlice(delim) })
			if !bytes.Equal(res.Value, want) {
				t.Fatalf("result %d = %q, %v; want %q, %v", n, res.Value, res.Err, want, wantErr)
			}
			switch {
			case wantErr == bufio.ErrBufferFull:
				checkTooLong(t, res.Err, br.Size())
				continue
			case res.Err != wantErr:
				t.Fatalf("result %d = %q, %v; want %q, %v", n, res.Value, res.Err, want, wantErr)
			case wantErr == nil:
				continue
			}
			break
		}
		r.checkEnd(func() async.Future[async.Result[[]byte]] { return br.ReadSlice(delim) })
	})
}

func FuzzLineReader(f *testing.F) {
	for _, s := range lineSeeds() {
		f.Add([]byte(s.data), []byte(s.sched), s.size, s.fail)
	}
	f.Add([]byte("12345678\r\n123456789\r\n12345678\r\r\n"), []byte("\x02\xc1"), uint8(7), false)
	f.Fuzz(func(t *testing.T, data, sched []byte, limit uint8, fail bool) {
		r := newFuzzRun(t, data, sched, fail)
		lr := NewLineReader(r.src, 1+int(limit%64))
		// A LineReader drops the '\r' of an unterminated last line too,
		// as bufio.ScanLines does.
		for n, line := range refLines(data, true) {
			res := fuzzAwait(r, lr.Next)
			if len(line) > lr.Max() {
				if len(res.Value) != 0 {
					t.Fatalf("line %d = %q, %v; want no bytes and an error", n+1, res.Value, res.Err)
				}
				checkTooLong(t, res.Err, lr.Max())
				continue
			}
			if !bytes.Equal(res.Value, line) || res.Err != nil {
				t.Fatalf("line %d = %q, %v; want %q", n+1, res.Value, res.Err, line)
			}
		}
		r.checkEnd(lr.Next)
		if len(lr.b.buf) != lr.Max()+2 {
			t.Errorf("the buffer has %d bytes, want %d: it must not grow", len(lr.b.buf), lr.Max()+2)
		}
	})
}

// refFrames decodes the frames of data the plain way, as FrameReader is
// documented to: it returns the payloads and what follows them. tooLong
// is the length announced by a header over maxLen, or -1; have and need
// describe a frame (or header) cut by the end, need being 0 if none is.
func refFrames(data []byte, maxLen int) (payloads [][]byte, tooLong int64, have, need int) {
	for len(data) > 0 {
		if len(data) < FrameHeaderSize {
			return payloads, -1, len(data), FrameHeaderSize
		}
		n := binary.BigEndian.Uint32(data)
		if uint64(n) > uint64(maxLen) {
			return payloads, int64(n), 0, 0
		}
		end := FrameHeaderSize + int(n)
		if len(data) < end {
			return payloads, -1, len(data), end
		}
		payloads = append(payloads, data[FrameHeaderSize:end])
		data = data[end:]
	}
	return payloads, -1, 0, 0
}

// frameSeed is a seed of FuzzFrameReader.
type frameSeed struct {
	data, sched    string
	limit, initial uint8
	fail           bool
}

// frameSeeds returns streams of frames: several, of every size up to
// some that make the buffer grow, headers announcing too much, or far too
// much, and streams cut in a header or a payload.
func frameSeeds() []frameSeed {
	frames := func(payloads ...[]byte) string {
		var b []byte
		for _, p := range payloads {
			b = append(b, frameOf(p)...)
		}
		return string(b)
	}
	three := frames([]byte("one"), nil, []byte("three"))
	grows := frames(pattern(50), pattern(3), pattern(300), pattern(90))
	return []frameSeed{
		{"", "", 0, 0, false},
		{three, "", 64, 0, false},
		{three, "\x00\xc1\x40\x82", 64, 0, true},
		{grows, "", 255, 8, false},
		{grows, "\x3f\x7f\xff\x05", 255, 20, false},
		{grows, "\x10", 7, 4, false},
		{frames(pattern(5000), pattern(3)), "", 255, 0, false},
		{"\xff\xff\xff\xff", "", 255, 0, false},
		{"\xff\xff\xff\xf0" + string(pattern(300)), "\x05", 255, 16, false},
		{frames([]byte("ok")) + "\x00\x00", "\x01", 64, 0, false},
		{frames([]byte("ok")) + "\x00\x00\x01\x00abc", "\x02", 64, 5, true},
	}
}

// frameLimitOf maps the fuzzer's byte to a FrameReader's limit: small
// ones, to reach frames too long often, and, at 255, the largest of all,
// so that a header can announce 4 GiB and be believed.
func frameLimitOf(b uint8) int {
	if b == math.MaxUint8 {
		return math.MaxUint32
	}
	return int(b) * 41
}

// frameBufferOf maps the fuzzer's byte to the size of a FrameReader's
// first buffer: 0 for the size NewFrameReader gives, others so small that
// the frames of a short input make it grow.
func frameBufferOf(b uint8) int {
	if b == 0 {
		return initialFrameBuffer
	}
	return int(b)
}

func FuzzFrameReader(f *testing.F) {
	for _, s := range frameSeeds() {
		f.Add([]byte(s.data), []byte(s.sched), s.limit, s.initial, s.fail)
	}
	f.Fuzz(func(t *testing.T, data, sched []byte, limit, initial uint8, fail bool) {
		r := newFuzzRun(t, data, sched, fail)
		maxLen := frameLimitOf(limit)
		payloads, tooLong, have, need := refFrames(data, maxLen)

		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		fr := newFrameReader(r.src, maxLen, frameBufferOf(initial))
		first := len(fr.b.buf)
		var consumed int // bytes of data the frames returned so far take
		for n, want := range payloads {
			res := fuzzAwait(r, fr.Next)
			if res.Err != nil || !bytes.Equal(res.Value, want) {
				t.Fatalf("frame %d = %d bytes, %v; want %d bytes", n+1, len(res.Value), res.Err, len(want))
			}
			consumed += FrameHeaderSize + len(want)
			// The buffer holds the bytes that arrived, and grows by
			// doubling only when they fill it, so it is never more
			// than twice what arrived (nor than the largest frame).
			arrived := len(data) - len(r.src.data)
			if len(fr.b.buf) > max(first, 2*arrived) || len(fr.b.buf) > max(first, fr.Max()+FrameHeaderSize) {
				t.Fatalf("after frame %d, a buffer of %d bytes when %d bytes arrived", n+1, len(fr.b.buf), arrived)
			}
		}
		res := fuzzAwait(r, fr.Next)
		runtime.ReadMemStats(&after)
		if len(res.Value) != 0 {
			t.Fatalf("Next after the last frame = %d bytes, %v; want an error", len(res.Value), res.Err)
		}
		arrived := len(data) - len(r.src.data)
		if len(fr.b.buf) > max(first, 2*arrived) {
			t.Fatalf("a buffer of %d bytes when %d bytes arrived", len(fr.b.buf), arrived)
		}
		// A generous bound: the reader's own allocations are less than
		// its first buffer and 4 times what arrived; the rest is room
		// for the test's few.
		if got, bound := after.TotalAlloc-before.TotalAlloc, uint64(64<<10+8*len(data)); got > bound {
			t.Fatalf("allocated %d bytes for %d bytes of input, more than %d", got, len(data), bound)
		}
		var tl *TooLongError
		switch {
		case tooLong >= 0:
			if !errors.As(res.Err, &tl) || !errors.Is(res.Err, ErrTooLong) || tl.What != "frame" || tl.Len != tooLong || tl.Max != maxLen {
				t.Fatalf("Next = %v; want the TooLongError of a frame of %d over %d", res.Err, tooLong, maxLen)
			}
			// The stream is unusable, and stays so without being read.
			ends := r.src.ends
			if again := fuzzAwait(r, fr.Next); again.Err != res.Err || r.src.ends != ends {
				t.Fatalf("Next after a frame too long = %v, reading the source %d times; want the same error, no reads", again.Err, r.src.ends-ends)
			}
		case need > 0 && !fail:
			// The error says how much of how much came.
			msg := res.Err.Error()
			if !errors.Is(res.Err, io.ErrUnexpectedEOF) || !strings.Contains(msg, fmt.Sprintf("after %d bytes of a", have)) ||
				!strings.Contains(msg, fmt.Sprint(need)) {
				t.Fatalf("Next = %v; want io.ErrUnexpectedEOF after %d bytes of %d", res.Err, have, need)
			}
			if again := fuzzAwait(r, fr.Next); again.Err.Error() != res.Err.Error() {
				t.Fatalf("Next after a cut frame = %v, want %v again", again.Err, res.Err)
			}
			if r.src.ends != 1 {
				t.Errorf("the source was read %d times after its end, want once", r.src.ends-1)
			}
		default:
			if res.Err != r.src.end {
				t.Fatalf("Next = %v; want %v", res.Err, r.src.end)
			}
			r.checkEnd(fr.Next)
		}
		if fr.Buffered() != arrived-consumed {
			t.Errorf("Buffered = %d, want the %d bytes that arrived after the frames", fr.Buffered(), arrived-consumed)
		}

		// The frames, written again, are the bytes they were read from.
		dst := &sink{keep: true}
		fw := NewFrameWriter(dst)
		for _, p := range payloads {
			if err := fuzzAwait(r, func() async.Future[error] { return fw.WriteFrame(p) }); err != nil {
				t.Fatalf("WriteFrame: %v", err)
			}
		}
		if !bytes.Equal(dst.got.Bytes(), data[:consumed]) {
			t.Fatalf("the frames written again are %d bytes, not the %d read", dst.got.Len(), consumed)
		}
	})
}
