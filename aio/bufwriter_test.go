package aio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
)

func TestBufWriterGathersSmallWrites(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		run(t, x, func(co *async.Co) error {
			dst := &sink{keep: true, record: true}
			bw := NewWriter(dst, 16)
			msg := pattern(50)
			for i := 0; i < len(msg); i += 5 {
				n, err := async.Await(co, bw.Write(msg[i:i+5])).Get()
				if n != 5 || err != nil {
					return fmt.Errorf("Write = %d, %v", n, err)
				}
			}
			if fmt.Sprint(dst.sizes) != "[16 16 16]" || bw.Buffered() != 2 || bw.Available() != 14 {
				t.Errorf("writes %v, Buffered %d, Available %d; want [16 16 16], 2, 14",
					dst.sizes, bw.Buffered(), bw.Available())
			}
			if err := async.Await(co, bw.Flush()); err != nil {
				return err
			}
			if !bytes.Equal(dst.got.Bytes(), msg) || bw.Buffered() != 0 {
				t.Errorf("after Flush: %d bytes written, %d buffered; want %d, 0", dst.got.Len(), bw.Buffered(), len(msg))
			}
			// A write as large as the buffer, into an empty buffer, is not copied.
			dst.sizes = nil
			async.Await(co, bw.Write(pattern(40)))
			async.Await(co, bw.Write(pattern(3)))
			if fmt.Sprint(dst.sizes) != "[40]" || bw.Buffered() != 3 {
				t.Errorf("writes %v, %d buffered; want [40], 3", dst.sizes, bw.Buffered())
			}
			return nil
		})
	})
}

func TestBufWriterPartialWrites(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		run(t, x, func(co *async.Co) error {
			dst := &trickleWriter{step: 3}
			bw := NewWriter(dst, 16)
			msg := pattern(200)
			for rest := msg; len(rest) > 0; {
				k := min(len(rest), 7)
				if _, err := async.Await(co, bw.Write(rest[:k])).Get(); err != nil {
					return err
				}
				rest = rest[k:]
			}
			if err := async.Await(co, bw.Flush()); err != nil {
				return err
			}
			if !bytes.Equal(dst.got.Bytes(), msg) {
				t.Errorf("wrote %d bytes, want the %d given, in order", dst.got.Len(), len(msg))
			}
			return nil
		})
	})
}

// TestBufWriterBackpressure writes through a BufWriter into a small pipe
// whose reader is slow. The writer's task checks after every step, and
// the reader's after every read, that no more than the BufWriter's size
// and the pipe's size are in flight between them.
//
// The reader's check looks at the writer's BufWriter and counters. On the
// current-thread executor the two tasks never run at once, and a task's
// counter moves in the same poll as the bytes it counts. On the
// multi-thread executor they run at once on two workers: every poll of
// the BufWriter and of the pipe's reader, with the counter it moves, and
// every check, is done under mu (see lockedPoll), which gives both
// executors the same atomic steps. (Without it the race detector reports
// the reader's bw.Buffered against the writer's flush.)
func TestBufWriterBackpressure(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const bufSize, pipeSize = 64, 32
		run(t, x, func(co *async.Co) error {
			r, w := Pipe(pipeSize)
			bw := NewWriter(w, bufSize)
			msg := pattern(20_000)
			var mu sync.Mutex
			var written, read int // bytes the writer's Writes took; bytes the reader got
			check := func(who string) {
				mu.Lock()
				defer mu.Unlock()
				if bw.Buffered() > bufSize {
					t.Errorf("%s: the BufWriter holds %d bytes, more than its %d", who, bw.Buffered(), bufSize)
				}
				if inFlight := written - read; inFlight > bufSize+pipeSize {
					t.Errorf("%s: %d bytes between writer and reader, more than %d", who, inFlight, bufSize+pipeSize)
				}
			}
			writer := spawn(co, func(co *async.Co) error {
				rng := rand.New(rand.NewPCG(3, 4))
				for rest := msg; len(rest) > 0; {
					k := min(len(rest), 1+rng.IntN(150))
					n, err := async.Await(co, lockedPoll(&mu, bw.Write(rest[:k]), func(r async.Result[int]) {
						if r.Err == nil {
							written += r.Value
						}
					})).Get()
					if err != nil {
						return err
					}
					rest = rest[n:]
					check("writer")
				}
				if err := async.Await(co, lockedPoll(&mu, bw.Flush(), nil)); err != nil {
					return err
				}
				return w.Close()
			})
			var got []byte
			buf := make([]byte, 7)
			for {
				n, err := async.Await(co, lockedPoll(&mu, r.Read(buf), func(r async.Result[int]) {
					if r.Err == nil {
						read += r.Value
					}
				})).Get()
				if err == io.EOF {
					break
				}
				if err != nil {
					return err
				}
				got = append(got, buf[:n]...)
				check("reader")
				for range 3 { // be slow
					async.Await(co, async.Yield())
				}
			}
			if !bytes.Equal(got, msg) {
				t.Errorf("read %d bytes, want the %d written, in order", len(got), len(msg))
			}
			return join(co, writer)
		})
	})
}

// lockedPoll returns a future that polls f holding mu, and when f is
// ready calls then (if not nil) with its value before it lets mu go.
func lockedPoll[T any](mu *sync.Mutex, f async.Future[T], then func(T)) async.Future[T] {
	return &locked[T]{mu: mu, f: f, then: then}
}

type locked[T any] struct {
	mu   *sync.Mutex
	f    async.Future[T]
	then func(T)
}

func (l *locked[T]) Poll(cx *async.Context) (T, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.f.Poll(cx)
	if ok && l.then != nil {
		l.then(v)
	}
	return v, ok
}

func (l *locked[T]) Cancel() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.f.Cancel()
}

func TestBufWriterFailureIsSticky(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		boom := errors.New("boom")
		run(t, x, func(co *async.Co) error {
			dst := &trickleWriter{step: 5, fail: boom, failAfter: 10}
			bw := NewWriter(dst, 16)
			if _, err := async.Await(co, bw.Write(pattern(12))).Get(); err != nil {
				return fmt.Errorf("Write into the buffer = %v", err)
			}
			if err := async.Await(co, bw.Flush()); err != boom {
				t.Errorf("Flush = %v, want %v", err, boom)
			}
			if bw.Buffered() != 2 {
				t.Errorf("Buffered after a failed flush = %d, want the 2 not written", bw.Buffered())
			}
			if n, err := async.Await(co, bw.Write([]byte("x"))).Get(); n != 0 || err != boom {
				t.Errorf("Write after a failure = %d, %v; want 0, %v", n, err, boom)
			}
			if err := async.Await(co, bw.Flush()); err != boom {
				t.Errorf("second Flush = %v, want %v", err, boom)
			}
			return nil
		})
	})
}

func TestBufWriterCancelKeepsTheBuffer(t *testing.T) {
	cx, _ := handContext()
	r, w := Pipe(4)
	bw := NewWriter(w, 16)
	mustReady(t, cx, bw.Write([]byte("0123456789")))
	fl := bw.Flush()
	mustPend(t, cx, fl) // 4 of 10 fit
	fl.Cancel()
	if _, wr := r.rd.p.waiters(); wr {
		t.Error("the pipe keeps the waker of a cancelled Flush")
	}
	if bw.Buffered() != 6 || bw.Available() != 10 {
		t.Errorf("after a cancelled Flush: Buffered %d, Available %d; want 6, 10", bw.Buffered(), bw.Available())
	}
	buf := make([]byte, 16)
	mustReady(t, cx, r.Read(buf))
	fl = bw.Flush()
	mustPend(t, cx, fl)
	mustReady(t, cx, r.Read(buf[4:]))
	if err := mustReady(t, cx, fl); err != nil {
		t.Fatal(err)
	}
	mustReady(t, cx, r.Read(buf[8:]))
	if string(buf[:10]) != "0123456789" {
		t.Errorf("read %q, want the 10 bytes in order", buf[:10])
	}
}
