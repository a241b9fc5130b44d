package aio

import (
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
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
)

// frameOf returns payload with its header.
func frameOf(payload []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(payload))), payload...)
}

func TestFramesRoundTripBetweenTasks(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		sizes := []int{0, 1, 100, 5000, 3, 70_000, 200_000, 17, 0}
		run(t, x, func(co *async.Co) error {
			r, w := Pipe(999)
			writer := spawn(co, func(co *async.Co) error {
				defer w.Close()
				fw := NewFrameWriter(w)
				for _, n := range sizes {
					if err := async.Await(co, fw.WriteFrame(pattern(n))); err != nil {
						return err
					}
				}
				return nil
			})
			fr := NewFrameReader(r, 1<<20)
			for i, n := range sizes {
				p, err := async.Await(co, fr.Next()).Get()
				if err != nil {
					return fmt.Errorf("frame %d: %w", i, err)
				}
				if !bytes.Equal(p, pattern(n)) {
					t.Errorf("frame %d: %d bytes, want %d", i, len(p), n)
				}
			}
			if _, err := async.Await(co, fr.Next()).Get(); err != io.EOF {
				t.Errorf("Next after the last frame = %v, want io.EOF", err)
			}
			if got, want := len(fr.b.buf), 200_000+FrameHeaderSize; got != want {
				t.Errorf("buffer grew to %d bytes, want %d, the largest frame", got, want)
			}
			return join(co, writer)
		})
	})
}

func TestFrameReaderPartialReads(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var stream []byte
		for _, n := range []int{5, 0, 40, 2} {
			stream = append(stream, frameOf(pattern(n))...)
		}
		for _, step := range []int{1, 2, 5, 1000} {
			t.Run(fmt.Sprintf("step %d", step), func(t *testing.T) {
				run(t, x, func(co *async.Co) error {
					fr := NewFrameReader(&trickle{data: stream, step: step}, 64)
					var got []int
					for {
						p, err := async.Await(co, fr.Next()).Get()
						if err == io.EOF {
							break
						}
						if err != nil {
							return err
						}
						got = append(got, len(p))
					}
					if fmt.Sprint(got) != "[5 0 40 2]" {
						t.Errorf("frame lengths %v, want [5 0 40 2]", got)
					}
					return nil
				})
			})
		}
	})
}

func TestFrameReaderUnexpectedEOF(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		whole := frameOf(pattern(10))
		for _, cut := range []int{1, 3, 4, 9, 13} {
			t.Run(fmt.Sprintf("after %d bytes", cut), func(t *testing.T) {
				run(t, x, func(co *async.Co) error {
					stream := append(frameOf([]byte("first")), whole[:cut]...)
					fr := NewFrameReader(&trickle{data: stream, step: 3}, 64)
					if p, err := async.Await(co, fr.Next()).Get(); string(p) != "first" || err != nil {
						return fmt.Errorf("first frame = %q, %v", p, err)
					}
					_, err := async.Await(co, fr.Next()).Get()
					if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), fmt.Sprint(cut)) {
						t.Errorf("Next of a cut frame = %v, want io.ErrUnexpectedEOF saying %d bytes came", err, cut)
					}
					return nil
				})
			})
		}
	})
}

func TestFrameReaderTooLong(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		run(t, x, func(co *async.Co) error {
			stream := append(frameOf(pattern(10)), frameOf(pattern(1000))...)
			fr := NewFrameReader(&trickle{data: stream, step: 100}, 999)
			if _, err := async.Await(co, fr.Next()).Get(); err != nil {
				return err
			}
			for range 2 {
				_, err := async.Await(co, fr.Next()).Get()
				var tl *TooLongError
				if !errors.As(err, &tl) || tl.Len != 1000 || tl.Max != 999 ||
					err.Error() != "aio: frame of 1000 bytes is longer than the maximum of 999" {
					t.Errorf("Next of a frame too long = %v, want a TooLongError naming 1000 and 999", err)
				}
			}
			if len(fr.b.buf) > 999+FrameHeaderSize {
				t.Errorf("buffer of %d bytes, more than the largest frame allowed", len(fr.b.buf))
			}
			return nil
		})
	})
}

func TestFrameReaderSourceFailure(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		boom := errors.New("boom")
		run(t, x, func(co *async.Co) error {
			stream := append(frameOf([]byte("ok")), 0, 0)
			fr := NewFrameReader(&trickle{data: stream, end: boom, step: 4}, 64)
			if p, err := async.Await(co, fr.Next()).Get(); string(p) != "ok" || err != nil {
				return fmt.Errorf("first frame = %q, %v", p, err)
			}
			if _, err := async.Await(co, fr.Next()).Get(); err != boom {
				t.Errorf("Next = %v, want %v", err, boom)
			}
			return nil
		})
	})
}

func TestFrameWriterWrites(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		run(t, x, func(co *async.Co) error {
			dst := &sink{keep: true, record: true}
			fw := NewFrameWriter(dst)
			small, large := pattern(100), pattern(coalesceLimit+1000)
			for _, p := range [][]byte{small, large, small} {
				if err := async.Await(co, fw.WriteFrame(p)); err != nil {
					return err
				}
			}
			wantSizes := fmt.Sprint([]int{104, coalesceLimit, 1004, 104})
			if fmt.Sprint(dst.sizes) != wantSizes {
				t.Errorf("writes of %v bytes, want %v: header and payload in one write", dst.sizes, wantSizes)
			}
			want := append(append(frameOf(small), frameOf(large)...), frameOf(small)...)
			if !bytes.Equal(dst.got.Bytes(), want) {
				t.Errorf("wrote %d bytes, not the %d of the three frames", dst.got.Len(), len(want))
			}
			return nil
		})
	})
}

func TestFrameWriterPartialWritesAndFailure(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		boom := errors.New("boom")
		run(t, x, func(co *async.Co) error {
			dst := &trickleWriter{step: 3}
			fw := NewFrameWriter(dst)
			if err := async.Await(co, fw.WriteFrame([]byte("hello"))); err != nil {
				return err
			}
			if !bytes.Equal(dst.got.Bytes(), frameOf([]byte("hello"))) {
				t.Errorf("wrote %q, want the frame", dst.got.Bytes())
			}
			dst = &trickleWriter{step: 3, fail: boom, failAfter: 6}
			fw = NewFrameWriter(dst)
			if err := async.Await(co, fw.WriteFrame([]byte("hello"))); err != boom {
				t.Errorf("WriteFrame = %v, want %v", err, boom)
			}
			return nil
		})
	})
}

// pollReady polls f until it is ready, as an executor would, and fails t
// if it stays pending while nothing wakes it (it would hang) or for far
// longer than any source here takes.
func pollReady[T any](t *testing.T, cx *async.Context, w *testfut.Waker, f async.Future[T]) T {
	t.Helper()
	for range 1 << 20 {
		before := w.Wakes()
		testfut.ResetBudget(cx) // a full budget for each poll, as an executor gives
		if v, ok := f.Poll(cx); ok {
			return v
		}
		if w.Wakes() == before {
			t.Fatalf("%T is pending and nothing will wake it", f)
		}
	}
	t.Fatalf("%T is still pending after 2²⁰ polls", f)
	panic("unreachable")
}

// TestFrameReaderAllocatesOnlyWhatArrives sends a header announcing the
// largest frame a header can, under a limit that allows it, and then
// only part of it: the FrameReader must allocate in proportion to the
// bytes it was sent, not to the length the header claims.
func TestFrameReaderAllocatesOnlyWhatArrives(t *testing.T) {
	for _, sent := range []int{0, 100, 5000, 1 << 20} {
		t.Run(fmt.Sprintf("%d bytes of payload", sent), func(t *testing.T) {
			stream := binary.BigEndian.AppendUint32(nil, math.MaxUint32)
			stream = append(stream, pattern(sent)...)
			cx, w := handContext()
			src := &trickle{data: stream, step: 64 << 10}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			fr := NewFrameReader(src, math.MaxUint32)
			res := pollReady(t, cx, w, fr.Next())
			runtime.ReadMemStats(&after)
			if !errors.Is(res.Err, io.ErrUnexpectedEOF) {
				t.Errorf("Next = %d bytes, %v; want io.ErrUnexpectedEOF", len(res.Value), res.Err)
			}
			// Growing by doubling allocates less than 4 times what
			// arrived; the bound leaves room for the rest of the
			// test's allocations, a little more than a page or two.
			got, bound := after.TotalAlloc-before.TotalAlloc, uint64(8*len(stream)+1<<20)
			if got > bound {
				t.Errorf("allocated %d bytes after being sent %d, more than %d", got, len(stream), bound)
			}
			if len(fr.b.buf) > max(2*len(stream), initialFrameBuffer) {
				t.Errorf("buffer of %d bytes after being sent %d", len(fr.b.buf), len(stream))
			}
		})
	}
}

// TestFrameReaderGrowsByDoubling reads a frame larger than the first
// buffer a byte at a time and records the buffer's size after each byte:
// it doubles each time the frame's bytes fill it, and stops at the
// frame's size.
func TestFrameReaderGrowsByDoubling(t *testing.T) {
	stream := frameOf(pattern(100))
	cx, _ := handContext()
	src := &trickle{data: stream, step: 1}
	fr := newFrameReader(src, 1<<20, 16)
	var sizes []int
	for {
		res, ok := fr.Next().Poll(cx)
		if ok {
			if res.Err != nil || !bytes.Equal(res.Value, pattern(100)) {
				t.Fatalf("Next = %d bytes, %v; want the 100-byte frame", len(res.Value), res.Err)
			}
			break
		}
		if n := len(fr.b.buf); len(sizes) == 0 || sizes[len(sizes)-1] != n {
			sizes = append(sizes, n)
		}
	}
	if got, want := fmt.Sprint(sizes), "[16 32 64 104]"; got != want {
		t.Errorf("buffer sizes %v, want %v", got, want)
	}
}
