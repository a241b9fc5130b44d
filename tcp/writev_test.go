package tcp

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
)

// vectors cuts msg into buffers of varied sizes, empty ones among them,
// more than one writev call takes.
func vectors(msg []byte) [][]byte {
	var bufs [][]byte
	for i := 0; len(msg) > 0; i++ {
		n := min(len(msg), (i*37)%1500)
		bufs = append(bufs, msg[:n])
		msg = msg[n:]
	}
	return bufs
}

// TestWriteVectored writes 2 MiB in some 3000 buffers while the peer
// reads: the socket fills many times, so writes stop in the middle of a
// buffer and go on from there.
func TestWriteVectored(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		msg := message(2 << 20)
		bufs := vectors(msg)
		if len(bufs) <= maxIovecs {
			t.Fatalf("only %d buffers", len(bufs))
		}
		saved := append([][]byte(nil), bufs...)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l.Close()
			defer s.Close()
			_, w := c.Split()
			defer w.Close() // the read half is never closed: the Conn is closed below
			defer c.Close()
			reader := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				got, err := readAll(co, s)
				if err != nil {
					return err
				}
				if !bytes.Equal(got, msg) {
					return fmt.Errorf("peer read %d bytes, not the %d written", len(got), len(msg))
				}
				return nil
			}))
			n, err := async.Await(co, w.WriteVectored(bufs)).Get()
			if err != nil || n != len(msg) {
				return fmt.Errorf("WriteVectored: %d, %v; want %d", n, err, len(msg))
			}
			for i := range bufs {
				if len(bufs[i]) != len(saved[i]) || (len(bufs[i]) > 0 && &bufs[i][0] != &saved[i][0]) {
					return fmt.Errorf("WriteVectored changed buffer %d", i)
				}
			}
			// Nothing, and nothing but empty buffers, is written at once.
			for _, empty := range [][][]byte{nil, {nil, {}, nil}} {
				if n, err := async.Await(co, w.WriteVectored(empty)).Get(); n != 0 || err != nil {
					return fmt.Errorf("WriteVectored(%q): %d, %v", empty, n, err)
				}
			}
			if err := w.CloseWrite(); err != nil {
				return err
			}
			r := async.Await(co, reader)
			return errors.Join(r.Err, r.Value)
		})
	})
}

// TestWriteVectoredAllocatesNothing writes a header and a body again and
// again through one future, polled by hand.
func TestWriteVectoredAllocatesNothing(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		l, err := Listen("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		var allocs float64
		_, err = executor.Run(async.Go(func(co *async.Co) error {
			c, err := async.Await(co, Connect(l.Addr().String())).Get()
			if err != nil {
				return err
			}
			defer c.Close()
			s, err := async.Await(co, l.Accept()).Get()
			if err != nil {
				return err
			}
			defer s.Close()
			_, w := c.Split()
			bufs := [][]byte{[]byte("header: 1\n\n"), []byte("body")}
			buf := make([]byte, 64)
			cx := co.Context()
			// The peer reads with read(2) itself: its Read future would wait
			// for the reactor, which does not turn inside this poll.
			allocs = testing.AllocsPerRun(100, func() {
				testfut.ResetBudget(cx)
				if r, ok := w.WriteVectored(bufs).Poll(cx); !ok || r.Value != 15 {
					t.Errorf("WriteVectored: %+v, %v", r, ok)
				}
				for got := 0; got < 15; {
					n, err := unix.Read(s.s.Sysfd(), buf)
					if err != nil {
						t.Errorf("peer read: %v", err)
						return
					}
					got += n
				}
			})
			return nil
		}), x.Options...)
		if err != nil {
			t.Fatal(err)
		}
		if allocs != 0 {
			t.Errorf("%v allocations per vectored write; want 0", allocs)
		}
	})
}
