package tcp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/reactor"
)

// message returns n bytes of a pattern that shows where a byte went
// missing or came twice.
func message(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// readHalfAll reads r to end of stream.
func readHalfAll(co *async.Co, r *ReadHalf) ([]byte, error) {
	var got []byte
	buf := make([]byte, 4096)
	for {
		n, err := async.Await(co, r.Read(buf)).Get()
		got = append(got, buf[:n]...)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return got, nil
			}
			return got, err
		}
	}
}

// sendAndClose writes msg through w in chunks, then closes the half,
// which sends end of stream.
func sendAndClose(co *async.Co, w *WriteHalf, msg []byte) error {
	for len(msg) > 0 {
		n := min(len(msg), 10000)
		if _, err := async.Await(co, w.WriteAll(msg[:n])).Get(); err != nil {
			return err
		}
		msg = msg[n:]
	}
	return w.Close()
}

// TestSplitReadAndWriteAtOnce has one task write a megabyte through the
// write half while another reads the echo through the read half: the
// writer fills the socket long before it is done, so neither can finish
// without the other running.
func TestSplitReadAndWriteAtOnce(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		msg := message(1 << 20)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l.Close()
			server := async.Spawn(co.Context(), echo(s))
			r, w := c.Split()
			writer := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				return sendAndClose(co, w, msg)
			}))
			got, err := readHalfAll(co, r)
			if err != nil {
				return err
			}
			if err := r.Close(); err != nil { // the second half out closes the Conn
				return err
			}
			if !bytes.Equal(got, msg) {
				return fmt.Errorf("echoed %d bytes, want the %d sent", len(got), len(msg))
			}
			wr, sr := async.Await(co, writer), async.Await(co, server)
			if err := errors.Join(wr.Err, wr.Value, sr.Err, sr.Value); err != nil {
				return err
			}
			if err := c.Close(); !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("Close after both halves closed: %v; want net.ErrClosed", err)
			}
			return nil
		})
	})
}

// TestSplitOnTwoExecutors reads on one executor and writes on another,
// with a reactor they share turned by a goroutine of its own. It runs on
// CurrentThread executors only: sharing a reactor (WithSharedReactor) is
// theirs alone, since a MultiThread's workers turn a reactor of its own.
// The halves moving between goroutines is what the multi-thread runs of
// TestSplitReadAndWriteAtOnce prove.
func TestSplitOnTwoExecutors(t *testing.T) {
	fdcheck.Check(t)
	rx, err := reactor.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	turned := make(chan struct{})
	go func() {
		defer close(turned)
		for {
			if _, err := rx.Turn(-1); err != nil {
				return
			}
		}
	}()
	defer func() {
		rx.Close()
		<-turned
	}()
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	msg := message(1 << 20)
	var conn *Conn
	connected := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, 3)
	start := func(i int, f async.Future[error]) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ex, err := executor.NewCurrentThread(executor.WithSharedReactor(rx))
			if err != nil {
				errs[i] = err
				return
			}
			defer ex.Close()
			v, err := executor.BlockOn(ex, f)
			errs[i] = errors.Join(err, v)
		}()
	}
	// The echo peer, which also makes the connection.
	start(0, async.Go(func(co *async.Co) error {
		defer close(connected)
		c, err := async.Await(co, Connect(l.Addr().String())).Get()
		if err != nil {
			return err
		}
		conn = c
		s, err := async.Await(co, l.Accept()).Get()
		if err != nil {
			return err
		}
		h := async.Spawn(co.Context(), echo(s))
		connected <- struct{}{}
		r := async.Await(co, h)
		return errors.Join(r.Err, r.Value)
	}))
	<-connected
	r, w := conn.Split()
	start(1, async.Go(func(co *async.Co) error { return sendAndClose(co, w, msg) }))
	start(2, async.Go(func(co *async.Co) error {
		got, err := readHalfAll(co, r)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, msg) {
			return fmt.Errorf("echoed %d bytes, want the %d sent", len(got), len(msg))
		}
		return r.Close()
	}))
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	l.Close()
	if n := rx.Sources(); n != 0 {
		t.Errorf("%d sources registered after every socket closed", n)
	}
}

// TestSplitClose closes the halves one at a time: the connection lives
// until both are closed, and the write half's Close ends the stream.
func TestSplitClose(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l.Close()
			defer s.Close()
			r, w := c.Split()
			if err := w.Close(); err != nil {
				return err
			}
			if got, err := readAll(co, s); err != nil || len(got) != 0 {
				return fmt.Errorf("peer read %q, %v after the write half closed; want end of stream", got, err)
			}
			if err := w.Close(); !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("second Close of the write half: %v; want net.ErrClosed", err)
			}
			if _, err := async.Await(co, w.Write([]byte("x"))).Get(); !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("Write on a closed half: %v; want net.ErrClosed", err)
			}
			if _, err := async.Await(co, w.WriteVectored([][]byte{[]byte("x")})).Get(); !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("WriteVectored on a closed half: %v; want net.ErrClosed", err)
			}
			// The read half still reads.
			if _, err := async.Await(co, s.WriteAll([]byte("still here"))).Get(); err != nil {
				return err
			}
			buf := make([]byte, 64)
			if n, err := async.Await(co, r.Read(buf)).Get(); err != nil || string(buf[:n]) != "still here" {
				return fmt.Errorf("read half after the write half closed: %q, %v", buf[:n], err)
			}
			if c.s.Closed() {
				return errors.New("the connection closed with its read half open")
			}
			if _, err := Rejoin(r, w); !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("Rejoin with a closed half: %v; want net.ErrClosed", err)
			}
			if err := r.Close(); err != nil {
				return err
			}
			if !c.s.Closed() {
				return errors.New("the connection is open with both halves closed")
			}
			if _, err := async.Await(co, r.Read(buf)).Get(); !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("Read on a closed half: %v; want net.ErrClosed", err)
			}
			return nil
		})
	})
}

func TestRejoin(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l.Close()
			defer s.Close()
			r, w := c.Split()
			c2, s2, l2, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l2.Close()
			defer s2.Close()
			defer c2.Close()
			_, w2 := c2.Split()
			if _, err := Rejoin(r, w2); err == nil {
				return errors.New("Rejoin of halves of two connections succeeded")
			}
			back, err := Rejoin(r, w)
			if err != nil {
				return err
			}
			if back != c {
				return errors.New("Rejoin returned another Conn")
			}
			if err := r.Close(); !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("Close of a rejoined half: %v; want net.ErrClosed", err)
			}
			// The Conn works as a whole again, and is the caller's to close.
			if _, err := async.Await(co, back.WriteAll([]byte("whole"))).Get(); err != nil {
				return err
			}
			if err := back.Close(); err != nil {
				return err
			}
			got, err := readAll(co, s)
			if err != nil || string(got) != "whole" {
				return fmt.Errorf("peer read %q, %v; want \"whole\"", got, err)
			}
			return nil
		})
	})
}
