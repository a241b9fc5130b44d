package aio

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
)

// The benchmarks poll by hand, on one goroutine, with no executor: what
// they measure is the helpers' own cost per operation, and -benchmem
// shows what they allocate in steady state (the setup's few allocations
// vanish in the per-op average). TestSteadyStateAllocatesNothing asserts
// the zeros exactly.

// copyPipeStep is one operation of the Copy benchmark: a chunk written
// into the first pipe, moved by the Copy to the second, read out of it.
type copyPipeStep struct {
	cx      *async.Context
	inW     *PipeWriter
	outR    *PipeReader
	copy    async.Future[async.Result[int64]]
	chunk   []byte
	scratch []byte
}

func newCopyPipeStep(size int) *copyPipeStep {
	cx, _ := handContext()
	inR, inW := Pipe(size)
	outR, outW := Pipe(size)
	return &copyPipeStep{
		cx: cx, inW: inW, outR: outR,
		copy:    Copy(outW, inR, make([]byte, size)),
		chunk:   pattern(size),
		scratch: make([]byte, size),
	}
}

func (s *copyPipeStep) run(tb testing.TB) {
	testfut.ResetBudget(s.cx)
	if r, ok := s.inW.Write(s.chunk).Poll(s.cx); !ok || r.Value != len(s.chunk) {
		tb.Fatalf("write into the pipe = %v, %v", r, ok)
	}
	if _, ok := s.copy.Poll(s.cx); ok {
		tb.Fatal("Copy finished")
	}
	if r, ok := s.outR.Read(s.scratch).Poll(s.cx); !ok || r.Value != len(s.chunk) {
		tb.Fatalf("read from the pipe = %v, %v", r, ok)
	}
}

func BenchmarkCopyPipe(b *testing.B) {
	s := newCopyPipeStep(4096)
	b.SetBytes(4096)
	b.ReportAllocs()
	for b.Loop() {
		s.run(b)
	}
	s.copy.Cancel()
}

// lineStep reads one line of a stream of identical 64-byte lines.
type lineStep struct {
	cx *async.Context
	br *BufReader
}

func newLineStep() *lineStep {
	cx, _ := handContext()
	line := append(bytes.Repeat([]byte("x"), 62), '\r', '\n')
	return &lineStep{cx: cx, br: NewReader(&repeat{pattern: line}, 4096)}
}

func (s *lineStep) run(tb testing.TB) {
	testfut.ResetBudget(s.cx) // as a task's poll does: a line from the buffer takes a unit
	r, ok := s.br.ReadLine().Poll(s.cx)
	if !ok || r.Err != nil || len(r.Value) != 62 {
		tb.Fatalf("ReadLine = %q, %v, %v", r.Value, r.Err, ok)
	}
}

func BenchmarkBufReaderReadLine(b *testing.B) {
	s := newLineStep()
	b.SetBytes(64)
	b.ReportAllocs()
	for b.Loop() {
		s.run(b)
	}
}

// frameStep reads one frame of a stream of identical 128-byte frames.
type frameStep struct {
	cx *async.Context
	fr *FrameReader
}

func newFrameStep() *frameStep {
	cx, _ := handContext()
	f := binary.BigEndian.AppendUint32(nil, 128)
	f = append(f, pattern(128)...)
	return &frameStep{cx: cx, fr: NewFrameReader(&repeat{pattern: f}, 1<<16)}
}

func (s *frameStep) run(tb testing.TB) {
	testfut.ResetBudget(s.cx)
	r, ok := s.fr.Next().Poll(s.cx)
	if !ok || r.Err != nil || len(r.Value) != 128 {
		tb.Fatalf("Next = %d bytes, %v, %v", len(r.Value), r.Err, ok)
	}
}

func BenchmarkFrameReaderNext(b *testing.B) {
	s := newFrameStep()
	b.SetBytes(4 + 128)
	b.ReportAllocs()
	for b.Loop() {
		s.run(b)
	}
}

// frameWriteStep writes one 128-byte frame to a sink.
type frameWriteStep struct {
	cx      *async.Context
	fw      *FrameWriter
	payload []byte
}

func newFrameWriteStep() *frameWriteStep {
	cx, _ := handContext()
	return &frameWriteStep{cx: cx, fw: NewFrameWriter(&sink{}), payload: pattern(128)}
}

func (s *frameWriteStep) run(tb testing.TB) {
	if err, ok := s.fw.WriteFrame(s.payload).Poll(s.cx); !ok || err != nil {
		tb.Fatalf("WriteFrame = %v, %v", err, ok)
	}
}

func BenchmarkFrameWriterWriteFrame(b *testing.B) {
	s := newFrameWriteStep()
	b.SetBytes(4 + 128)
	b.ReportAllocs()
	for b.Loop() {
		s.run(b)
	}
}

func TestSteadyStateAllocatesNothing(t *testing.T) {
	copyStep, lines, frames, frameWrites := newCopyPipeStep(512), newLineStep(), newFrameStep(), newFrameWriteStep()
	defer copyStep.copy.Cancel()
	for _, tt := range []struct {
		name string
		op   func(testing.TB)
	}{
		{"Copy over Pipe", copyStep.run},
		{"BufReader.ReadLine", lines.run},
		{"FrameReader.Next", frames.run},
		{"FrameWriter.WriteFrame", frameWrites.run},
	} {
		tt.op(t) // the first use may allocate: a buffer grows, a waker is stored
		if n := testing.AllocsPerRun(100, func() { tt.op(t) }); n != 0 {
			t.Errorf("%s: %v allocations per operation, want 0", tt.name, n)
		}
	}
}
