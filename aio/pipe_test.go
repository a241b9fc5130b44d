package aio

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
)

func TestPipeIsBoundedAndWraps(t *testing.T) {
	r, w := Pipe(4)
	cx, waker := handContext()
	if n := mustReady(t, cx, w.Write([]byte("abcdefgh"))).Value; n != 4 {
		t.Fatalf("Write of 8 bytes into a pipe of 4 took %d, want 4", n)
	}
	wf := w.Write([]byte("efgh"))
	mustPend(t, cx, wf)
	if _, wr := r.rd.p.waiters(); !wr {
		t.Fatal("a Write into a full pipe left no waker")
	}
	buf := make([]byte, 3)
	if res := mustReady(t, cx, r.Read(buf)); res.Err != nil || res.Value != 3 || string(buf) != "abc" {
		t.Fatalf("Read = %d %q (%v), want 3 \"abc\"", res.Value, buf[:res.Value], res.Err)
	}
	if waker.Wakes() != 1 {
		t.Errorf("reading from a full pipe woke the writer %d times, want 1", waker.Wakes())
	}
	if n := mustReady(t, cx, wf).Value; n != 3 {
		t.Fatalf("Write after a read of 3 took %d, want 3", n)
	}
	if r.Buffered() != 4 {
		t.Errorf("Buffered = %d, want 4", r.Buffered())
	}
	buf = make([]byte, 10)
	if res := mustReady(t, cx, r.Read(buf)); res.Err != nil || string(buf[:res.Value]) != "defg" {
		t.Errorf("Read across the wrap = %q (%v), want \"defg\"", buf[:res.Value], res.Err)
	}
	mustPend(t, cx, r.Read(buf))
	noWaitersAfter(t, r, w)
}

// noWaitersAfter closes both ends and checks that no waker is kept.
func noWaitersAfter(t *testing.T, r *PipeReader, w *PipeWriter) {
	t.Helper()
	r.Close()
	w.Close()
	if rd, wr := r.rd.p.waiters(); rd || wr {
		t.Errorf("a closed pipe keeps wakers (reader %v, writer %v)", rd, wr)
	}
}

func TestPipeClose(t *testing.T) {
	boom := errors.New("boom")
	t.Run("writer closes", func(t *testing.T) {
		r, w := Pipe(8)
		cx, waker := handContext()
		mustReady(t, cx, w.Write([]byte("ab")))
		buf := make([]byte, 8)
		mustReady(t, cx, r.Read(buf))
		rf := r.Read(buf)
		mustPend(t, cx, rf)
		mustReady(t, cx, w.Write([]byte("c")))
		w.Close()
		if waker.Wakes() != 1 {
			t.Errorf("wakes of the waiting reader = %d, want 1 (the write took its waker)", waker.Wakes())
		}
		if res := mustReady(t, cx, rf); res.Value != 1 || res.Err != nil {
			t.Errorf("Read after Close = %v, want what was left", res)
		}
		if res := mustReady(t, cx, r.Read(buf)); res.Err != io.EOF {
			t.Errorf("Read of a drained, closed pipe = %v, want io.EOF", res)
		}
		if res := mustReady(t, cx, w.Write([]byte("x"))); !errors.Is(res.Err, io.ErrClosedPipe) {
			t.Errorf("Write after Close = %v, want io.ErrClosedPipe", res)
		}
	})
	t.Run("writer fails", func(t *testing.T) {
		r, w := Pipe(8)
		cx, waker := handContext()
		buf := make([]byte, 8)
		rf := r.Read(buf)
		mustPend(t, cx, rf)
		mustReady(t, cx, w.Write([]byte("ab")))
		mustReady(t, cx, rf)
		mustPend(t, cx, r.Read(buf))
		w.CloseWithError(boom)
		if waker.Wakes() != 2 {
			t.Errorf("wakes of the waiting reader = %d, want 2 (a write, then the close)", waker.Wakes())
		}
		if res := mustReady(t, cx, r.Read(buf)); res.Err != boom {
			t.Errorf("Read = %v, want %v", res, boom)
		}
		r, w = Pipe(8)
		mustReady(t, cx, w.Write([]byte("ab")))
		w.CloseWithError(boom)
		if res := mustReady(t, cx, r.Read(buf)); res.Value != 2 {
			t.Errorf("Read = %v, want the 2 bytes written", res)
		}
		if res := mustReady(t, cx, r.Read(buf)); res.Err != boom {
			t.Errorf("Read = %v, want %v", res, boom)
		}
	})
	t.Run("reader closes", func(t *testing.T) {
		r, w := Pipe(2)
		cx, waker := handContext()
		mustReady(t, cx, w.Write([]byte("ab")))
		wf := w.Write([]byte("c"))
		mustPend(t, cx, wf)
		r.CloseWithError(boom)
		if waker.Wakes() != 1 {
			t.Errorf("the waiting writer was woken %d times by the reader's close, want 1", waker.Wakes())
		}
		if res := mustReady(t, cx, wf); res.Err != boom {
			t.Errorf("Write after the reader closed = %v, want %v", res, boom)
		}
		if res := mustReady(t, cx, r.Read(make([]byte, 1))); !errors.Is(res.Err, io.ErrClosedPipe) {
			t.Errorf("Read after the reader closed = %v, want io.ErrClosedPipe", res)
		}
	})
}

// TestPipeAcrossExecutors streams through a small pipe between two
// executors on two goroutines, in chunks of random sizes, so that each
// side waits for the other often and wakes cross goroutines.
func TestPipeAcrossExecutors(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		r, w := Pipe(61)
		msg := pattern(300_000)
		var wg sync.WaitGroup
		var werr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(1, 2))
			werr, _ = executor.Run(async.Go(func(co *async.Co) error {
				defer w.Close()
				for rest := msg; len(rest) > 0; {
					k := min(len(rest), 1+rng.IntN(200))
					if _, err := async.Await(co, WriteAll(w, rest[:k])).Get(); err != nil {
						return err
					}
					rest = rest[k:]
				}
				return nil
			}), x.Options...)
		}()
		got, err := executor.Run(async.Go(func(co *async.Co) []byte {
			b, err := readAll(co, r)
			if err != nil {
				t.Error(err)
			}
			return b
		}), x.Options...)
		wg.Wait()
		if err != nil || werr != nil {
			t.Fatal(err, werr)
		}
		if !bytes.Equal(got, msg) {
			t.Errorf("read %d bytes, want the %d written, in order", len(got), len(msg))
		}
	})
}
