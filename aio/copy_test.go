package aio

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
)

func TestCopyPartialReadsAndWrites(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		for _, tt := range []struct {
			name              string
			readStep, wrStep  int
			bufSize, dataSize int
		}{
			{"byte by byte", 1, 1, 3, 50},
			{"reads larger than writes", 7, 2, 16, 333},
			{"writes larger than reads", 2, 7, 16, 333},
			{"default buffer", 5000, 3000, 0, 100_000},
			{"nothing to copy", 1, 1, 8, 0},
		} {
			t.Run(tt.name, func(t *testing.T) {
				run(t, x, func(co *async.Co) error {
					msg := pattern(tt.dataSize)
					src := &trickle{data: msg, step: tt.readStep}
					dst := &trickleWriter{step: tt.wrStep}
					var buf []byte
					if tt.bufSize > 0 {
						buf = make([]byte, tt.bufSize)
					}
					n, err := async.Await(co, Copy(dst, src, buf)).Get()
					if err != nil || n != int64(len(msg)) || !bytes.Equal(dst.got.Bytes(), msg) {
						t.Errorf("Copy = %d, %v, copied %d bytes; want %d, nil, all", n, err, dst.got.Len(), len(msg))
					}
					return nil
				})
			})
		}
	})
}

func TestCopyErrors(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		boom := errors.New("boom")
		t.Run("source fails", func(t *testing.T) {
			run(t, x, func(co *async.Co) error {
				src := &trickle{data: pattern(10), step: 4, end: boom}
				dst := &trickleWriter{step: 3}
				n, err := async.Await(co, Copy(dst, src, make([]byte, 8))).Get()
				if n != 10 || err != boom {
					t.Errorf("Copy = %d, %v; want 10, %v", n, err, boom)
				}
				return nil
			})
		})
		t.Run("destination fails", func(t *testing.T) {
			run(t, x, func(co *async.Co) error {
				src := &trickle{data: pattern(100), step: 10}
				dst := &trickleWriter{step: 3, fail: boom, failAfter: 12}
				n, err := async.Await(co, Copy(dst, src, nil)).Get()
				// Chunks of 10 go out 3, 3, 3, 1 bytes at a time; the write
				// after the 12th byte fails.
				if n != 13 || err != boom {
					t.Errorf("Copy = %d, %v; want 13, %v", n, err, boom)
				}
				return nil
			})
		})
		t.Run("destination closed", func(t *testing.T) {
			run(t, x, func(co *async.Co) error {
				r, w := Pipe(4)
				r.Close()
				_, err := async.Await(co, Copy(w, &trickle{data: []byte("x")}, nil)).Get()
				if !errors.Is(err, io.ErrClosedPipe) {
					t.Errorf("Copy into a pipe whose reader closed = %v, want io.ErrClosedPipe", err)
				}
				return nil
			})
		})
	})
}

// TestCopyBetweenTasks streams through two pipes with three tasks: a
// producer, the Copy, and a consumer, each waiting on the others.
func TestCopyBetweenTasks(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		run(t, x, func(co *async.Co) error {
			inR, inW := Pipe(100)
			outR, outW := Pipe(37)
			msg := pattern(200_000)
			producer := spawn(co, func(co *async.Co) error {
				defer inW.Close()
				_, err := async.Await(co, WriteAll(inW, msg)).Get()
				return err
			})
			copier := spawn(co, func(co *async.Co) error {
				defer outW.Close()
				n, err := async.Await(co, Copy(outW, inR, make([]byte, 64))).Get()
				if err == nil && n != int64(len(msg)) {
					t.Errorf("Copy = %d, want %d", n, len(msg))
				}
				return err
			})
			got, err := readAll(co, outR)
			if err != nil {
				return err
			}
			if !bytes.Equal(got, msg) {
				t.Errorf("copied %d bytes, want the %d written, in order", len(got), len(msg))
			}
			return errors.Join(join(co, producer), join(co, copier))
		})
	})
}

// TestCopyCancelTakesBackWakers cancels a Copy waiting to read, and one
// waiting to write, and checks that the pipes keep no waker.
func TestCopyCancelTakesBackWakers(t *testing.T) {
	cx, _ := handContext()
	inR, inW := Pipe(8)
	outR, outW := Pipe(4)
	ends := []duplex{{inR, inW}, {outR, outW}}

	reading := Copy(outW, inR, make([]byte, 8))
	mustPend(t, cx, reading)
	if rd, _ := inR.rd.p.waiters(); !rd {
		t.Fatal("a Copy waiting for its source left no waker in it")
	}
	reading.Cancel()
	noWaiters(t, ends...)

	writing := Copy(outW, inR, make([]byte, 8))
	mustReady(t, cx, inW.Write([]byte("12345678")))
	mustPend(t, cx, writing) // 4 of 8 fit in out
	if _, wr := outR.rd.p.waiters(); !wr {
		t.Fatal("a Copy waiting for its destination left no waker in it")
	}
	writing.Cancel()
	noWaiters(t, ends...)
}

// TestCopyYields: a source and a destination that are always ready and
// never take from the budget still make Copy give way, waking its task.
func TestCopyYields(t *testing.T) {
	cx, waker := handContext()
	f := Copy(&sink{}, &repeat{pattern: pattern(10)}, make([]byte, 16))
	for range 2 {
		testfut.ResetBudget(cx)
		mustPend(t, cx, f)
	}
	if waker.Wakes() != 2 {
		t.Errorf("an endless Copy woke its task %d times in 2 polls, want 2", waker.Wakes())
	}
	f.Cancel()
}
