package aio

// The cooperative budget: every future here that can be ready without
// waiting (a line served from a buffer, bytes copied into one, an error
// already known) takes a unit of the task's budget, and gives way with
// nothing consumed when it is spent; a future whose poll read or wrote
// its stream lets the stream's operation take the unit, and is not
// charged twice.

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/task"
)

// budgetItems is how many items the tests below read: several budgets'
// worth, all in the pipe before the first read.
const budgetItems = 1000

// remaining returns what is left of cx's budget.
func remaining(cx *async.Context) int { return (*task.Context)(cx).Remaining() }

// spendBudget leaves cx with no budget, as a task that has done a
// budget's worth of operations in this poll.
func spendBudget(cx *async.Context) {
	for cx.Proceed() {
	}
}

// asText turns a future of bytes into one of a string, for comparing.
func asText(f async.Future[async.Result[[]byte]]) async.Future[async.Result[string]] {
	return async.Map(f, func(r async.Result[[]byte]) async.Result[string] {
		return async.Result[string]{Value: string(r.Value), Err: r.Err}
	})
}

// bufferedReader is one of the readers under test, opened over a source.
type bufferedReader struct {
	next     func() async.Future[async.Result[string]] // the future of the next item
	buffered func() int
}

// readerCase is a reader's future that serves items from a buffer: what
// item i is on the stream, and what the future is ready with for it.
type readerCase struct {
	name  string
	input func(i int) string
	want  func(i int) string
	open  func(r Reader) bufferedReader
}

func line(i int) string      { return fmt.Sprintf("%03d\n", i%1000) }
func lineValue(i int) string { return strings.TrimSuffix(line(i), "\n") }
func frame(i int) string     { return "\x00\x00\x00\x03" + lineValue(i) }

var readerCases = []readerCase{
	{"BufReader.ReadLine", line, lineValue, func(r Reader) bufferedReader {
		br := NewReader(r, 4096)
		return bufferedReader{func() async.Future[async.Result[string]] { return asText(br.ReadLine()) }, br.Buffered}
	}},
	{"BufReader.ReadSlice", line, line, func(r Reader) bufferedReader {
		br := NewReader(r, 4096)
		return bufferedReader{func() async.Future[async.Result[string]] { return asText(br.ReadSlice('\n')) }, br.Buffered}
	}},
	{"BufReader.Read", line, line, func(r Reader) bufferedReader {
		br := NewReader(r, 4096)
		p := make([]byte, 4)
		return bufferedReader{func() async.Future[async.Result[string]] {
			return async.Map(br.Read(p), func(r async.Result[int]) async.Result[string] {
				return async.Result[string]{Value: string(p[:r.Value]), Err: r.Err}
			})
		}, br.Buffered}
	}},
	// A buffer of one line: every line is read from the pipe, which
	// takes the unit; the LineReader must not take another.
	{"LineReader.Next/a read per line", line, lineValue, func(r Reader) bufferedReader {
		lr := NewLineReader(r, 4)
		return bufferedReader{func() async.Future[async.Result[string]] { return asText(lr.Next()) }, lr.Buffered}
	}},
	{"LineReader.Next", line, lineValue, func(r Reader) bufferedReader {
		lr := NewLineReader(r, 4096)
		return bufferedReader{func() async.Future[async.Result[string]] { return asText(lr.Next()) }, lr.Buffered}
	}},
	{"FrameReader.Next", frame, lineValue, func(r Reader) bufferedReader {
		fr := NewFrameReader(r, 1<<16)
		return bufferedReader{func() async.Future[async.Result[string]] { return asText(fr.Next()) }, fr.Buffered}
	}},
}

// filledPipe returns the reading end of a pipe that holds the input of
// every item, and whose writer has closed.
func filledPipe(t *testing.T, input func(i int) string) *PipeReader {
	t.Helper()
	var all strings.Builder
	for i := range budgetItems {
		all.WriteString(input(i))
	}
	r, w := Pipe(all.Len())
	cx, _ := handContext()
	if res := mustReady(t, cx, w.Write([]byte(all.String()))); res.Err != nil || res.Value != all.Len() {
		t.Fatalf("the pipe took %d bytes of %d (%v)", res.Value, all.Len(), res.Err)
	}
	w.Close()
	return r
}

// TestBudgetBufferedReadsGiveWay reads items that are all in the pipe, a
// budget at a time: each poll of a task serves exactly async.Budget of
// them, whether from the buffer (a unit each) or after a read of the pipe
// (the pipe's unit, and no other), then is pending with the task woken and
// nothing consumed; the next poll goes on with the same item.
func TestBudgetBufferedReadsGiveWay(t *testing.T) {
	for _, tc := range readerCases {
		t.Run(tc.name, func(t *testing.T) {
			rd := tc.open(filledPipe(t, tc.input))
			cx, w := handContext()
			served, f := 0, rd.next()
			for i := 0; i < budgetItems; {
				before, wakes := rd.buffered(), w.Wakes()
				res, ok := f.Poll(cx)
				if !ok {
					if served != async.Budget {
						t.Fatalf("item %d: pending after %d items in this poll, want %d (a budget)", i, served, async.Budget)
					}
					if w.Wakes() != wakes+1 {
						t.Fatalf("item %d: pending for the budget with %d wakes, want 1", i, w.Wakes()-wakes)
					}
					if rd.buffered() != before {
						t.Fatalf("item %d: buffered %d bytes before the pending poll, %d after", i, before, rd.buffered())
					}
					testfut.ResetBudget(cx) // the task's next poll
					served = 0
					continue
				}
				if res.Err != nil || res.Value != tc.want(i) {
					t.Fatalf("item %d: %q, %v; want %q", i, res.Value, res.Err, tc.want(i))
				}
				i++
				if served++; served > async.Budget {
					t.Fatalf("item %d: %d items served in one poll, more than a budget", i, served)
				}
				f = rd.next()
			}
			if res := mustReady(t, cx, rd.next()); res.Err != io.EOF {
				t.Fatalf("after the last item: %q, %v; want io.EOF", res.Value, res.Err)
			}
		})
	}
}

// TestBudgetReadyAtOnceGivesWay covers the futures that are ready without
// their stream: a sticky end of stream, empty buffers, a flush with
// nothing to write, a frame too long to write. With the budget spent each
// is pending with the task woken; with a unit left, it is ready and takes
// it.
func TestBudgetReadyAtOnceGivesWay(t *testing.T) {
	atEOF := NewReader(filledPipe(t, func(int) string { return "" }), 64)
	lrEOF := NewLineReader(filledPipe(t, func(int) string { return "" }), 64)
	frEOF := NewFrameReader(filledPipe(t, func(int) string { return "" }), 64)
	for _, r := range []func() async.Future[async.Result[[]byte]]{atEOF.ReadLine, lrEOF.Next, frEOF.Next} {
		cx, _ := handContext()
		if res := mustReady(t, cx, r()); res.Err != io.EOF { // the read that finds the end
			t.Fatalf("%v, want io.EOF", res.Err)
		}
	}
	pr, pw := Pipe(16)
	defer pr.Close()
	defer pw.Close()
	bw := NewWriter(&sink{}, 64)
	tooLong := &FrameWriter{dst: &sink{}}
	tooLong.wr.fw = tooLong
	tooLong.wr.err = ErrTooLong // as WriteFrame sets it for a payload over 4 GiB
	for _, tc := range []struct {
		name string
		f    func() async.Future[error]
	}{
		{"BufReader.ReadLine at end of stream", func() async.Future[error] { return errOf(atEOF.ReadLine()) }},
		{"BufReader.ReadSlice at end of stream", func() async.Future[error] { return errOf(atEOF.ReadSlice('\n')) }},
		{"BufReader.Read at end of stream", func() async.Future[error] { return errOf(atEOF.Read(make([]byte, 8))) }},
		{"LineReader.Next at end of stream", func() async.Future[error] { return errOf(lrEOF.Next()) }},
		{"FrameReader.Next at end of stream", func() async.Future[error] { return errOf(frEOF.Next()) }},
		{"BufReader.Read of nothing", func() async.Future[error] { return errOf(NewReader(pr, 64).Read(nil)) }},
		{"PipeReader.Read of nothing", func() async.Future[error] { return errOf(pr.Read(nil)) }},
		{"PipeWriter.Write of nothing", func() async.Future[error] { return errOf(pw.Write(nil)) }},
		{"BufWriter.Write into the buffer", func() async.Future[error] { return errOf(bw.Write([]byte("abc"))) }},
		{"BufWriter.Write of nothing", func() async.Future[error] { return errOf(bw.Write(nil)) }},
		{"BufWriter.Flush of an empty buffer", func() async.Future[error] { return NewWriter(&sink{}, 64).Flush() }},
		{"ReadFull of nothing", func() async.Future[error] { return errOf(ReadFull(pr, nil)) }},
		{"WriteAll of nothing", func() async.Future[error] { return errOf(WriteAll(pw, nil)) }},
		{"FrameWriter.WriteFrame too long", func() async.Future[error] { return &tooLong.wr }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cx, w := handContext()
			spendBudget(cx)
			f := tc.f()
			mustPend(t, cx, f)
			if w.Wakes() != 1 {
				t.Fatalf("pending for the budget with %d wakes, want 1", w.Wakes())
			}
			testfut.ResetBudget(cx)
			mustReady(t, cx, f)
			if used := async.Budget - remaining(cx); used != 1 {
				t.Fatalf("ready with %d units of the budget taken, want 1", used)
			}
		})
	}
	if got := bw.Buffered(); got != 3 {
		t.Fatalf("the BufWriter holds %d bytes, want the 3 of the one Write", got)
	}
}

// errOf is the error of a future's result.
func errOf[T any](f async.Future[async.Result[T]]) async.Future[error] {
	return async.Map(f, func(r async.Result[T]) error { return r.Err })
}

// TestBudgetBufferedWritesGiveWay writes small chunks into a BufWriter:
// a budget of them per poll, each copied into the buffer for a unit; the
// one that finds the budget spent copies nothing, and the next poll
// copies it.
func TestBudgetBufferedWritesGiveWay(t *testing.T) {
	dst := &sink{keep: true}
	bw := NewWriter(dst, 1<<16)
	cx, w := handContext()
	for round := range 3 {
		testfut.ResetBudget(cx)
		for i := range async.Budget {
			if res := mustReady(t, cx, bw.Write([]byte("abcd"))); res.Value != 4 || res.Err != nil {
				t.Fatalf("round %d, write %d: %d, %v", round, i, res.Value, res.Err)
			}
		}
		f := bw.Write([]byte("abcd"))
		mustPend(t, cx, f)
		if w.Wakes() != round+1 {
			t.Fatalf("round %d: %d wakes, want %d", round, w.Wakes(), round+1)
		}
		if want := 4 * (round + 1) * async.Budget; bw.Buffered() != want {
			t.Fatalf("round %d: %d bytes buffered, want %d", round, bw.Buffered(), want)
		}
		f.Cancel()
	}
	if dst.got.Len() != 0 {
		t.Fatalf("the destination got %d bytes before a Flush", dst.got.Len())
	}
}
