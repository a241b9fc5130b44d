package aio

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
)

func TestReadFull(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		boom := errors.New("boom")
		tests := []struct {
			name    string
			data    string
			end     error
			size    int
			wantN   int
			wantErr error
		}{
			{"exact", "hello world", nil, 11, 11, nil},
			{"more than asked", "hello world", nil, 5, 5, nil},
			{"nothing", "", nil, 4, 0, io.EOF},
			{"short", "abc", nil, 5, 3, io.ErrUnexpectedEOF},
			{"failure midway", "abc", boom, 5, 3, boom},
			{"empty buffer", "", nil, 0, 0, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				run(t, x, func(co *async.Co) error {
					src := &trickle{data: []byte(tt.data), end: tt.end}
					buf := make([]byte, tt.size)
					n, err := async.Await(co, ReadFull(src, buf)).Get()
					if n != tt.wantN || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
						t.Errorf("ReadFull = %d, %v; want %d, %v", n, err, tt.wantN, tt.wantErr)
					}
					if !bytes.Equal(buf[:n], []byte(tt.data)[:n]) {
						t.Errorf("ReadFull read %q, want %q", buf[:n], tt.data[:n])
					}
					return nil
				})
			})
		}
	})
}

// noProgress is a Reader that breaks the contract: ready with nothing.
type noProgress struct{}

func (noProgress) Read([]byte) async.Future[async.Result[int]] {
	return async.Ready(async.Ok(0))
}

func TestReadFullNoProgressIsAnError(t *testing.T) {
	cx, _ := handContext()
	r := mustReady(t, cx, ReadFull(noProgress{}, make([]byte, 4)))
	if !errors.Is(r.Err, io.ErrNoProgress) {
		t.Errorf("ReadFull over a reader making no progress = %v, want io.ErrNoProgress", r.Err)
	}
}

func TestReadFullFutureIsReusable(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		run(t, x, func(co *async.Co) error {
			src := &trickle{data: []byte("abcdefgh"), step: 3}
			var f ReadFullFuture
			buf := make([]byte, 4)
			for _, want := range []string{"abcd", "efgh"} {
				n, err := async.Await(co, f.Reset(src, buf)).Get()
				if err != nil || string(buf[:n]) != want {
					t.Errorf("ReadFull = %q, %v; want %q", buf[:n], err, want)
				}
			}
			return nil
		})
	})
}

func TestReadFullCancelTakesBackTheWaker(t *testing.T) {
	r, w := Pipe(16)
	cx, _ := handContext()
	mustReady(t, cx, w.Write([]byte("abc")))
	f := ReadFull(r, make([]byte, 10))
	mustPend(t, cx, f)
	if rd, _ := r.rd.p.waiters(); !rd {
		t.Fatal("a pending ReadFull left no waker in the pipe")
	}
	f.Cancel()
	if rd, _ := r.rd.p.waiters(); rd {
		t.Error("the pipe keeps the waker of a cancelled ReadFull")
	}
}

func TestWriteAll(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		run(t, x, func(co *async.Co) error {
			dst := &trickleWriter{step: 3}
			msg := pattern(100)
			n, err := async.Await(co, WriteAll(dst, msg)).Get()
			if n != len(msg) || err != nil || !bytes.Equal(dst.got.Bytes(), msg) {
				t.Errorf("WriteAll = %d, %v, wrote %d bytes; want %d, nil, all", n, err, dst.got.Len(), len(msg))
			}
			if dst.writes != 34 {
				t.Errorf("WriteAll made %d writes of 3 bytes for 100, want 34", dst.writes)
			}
			return nil
		})
	})
}

func TestWriteAllFailure(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		run(t, x, func(co *async.Co) error {
			boom := errors.New("boom")
			dst := &trickleWriter{step: 4, fail: boom, failAfter: 8}
			n, err := async.Await(co, WriteAll(dst, pattern(20))).Get()
			if n != 8 || !errors.Is(err, boom) {
				t.Errorf("WriteAll = %d, %v; want 8, %v", n, err, boom)
			}
			return nil
		})
	})
}
