package aio

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
)

// halfCloseExchange runs the two peers of a proxy: the client sends msg1
// and shuts down its sending side, then reads the reply to end of stream;
// the server replies msg2 only once it has read msg1 to end of stream, so
// the exchange finishes only if each end of stream crossed the proxy
// while the other direction was still open.
func halfCloseExchange(co *async.Co, client, server ReadWriter, msg1, msg2 []byte) error {
	clientTask := spawn(co, func(co *async.Co) error {
		if _, err := async.Await(co, WriteAll(client, msg1)).Get(); err != nil {
			return err
		}
		if err := client.(CloseWriter).CloseWrite(); err != nil {
			return err
		}
		got, err := readAll(co, client)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, msg2) {
			return fmt.Errorf("client read %d bytes, want the server's %d", len(got), len(msg2))
		}
		return nil
	})
	got, err := readAll(co, server)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, msg1) {
		return fmt.Errorf("server read %d bytes, want the client's %d", len(got), len(msg1))
	}
	if _, err := async.Await(co, WriteAll(server, msg2)).Get(); err != nil {
		return err
	}
	if err := server.(CloseWriter).CloseWrite(); err != nil {
		return err
	}
	return join(co, clientTask)
}

func TestCopyBidirectionalHalfCloseOverPipes(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		run(t, x, func(co *async.Co) error {
			client, proxyA := duplexPair(64)
			proxyB, server := duplexPair(50)
			msg1, msg2 := pattern(10_000), pattern(7_777)
			proxy := async.Spawn(co.Context(), CopyBidirectional(proxyA, proxyB, make([]byte, 33), nil))
			if err := halfCloseExchange(co, client, server, msg1, msg2); err != nil {
				return err
			}
			c, err := async.Await(co, proxy).Value.Get()
			if err != nil {
				return err
			}
			if c.AToB != int64(len(msg1)) || c.BToA != int64(len(msg2)) {
				t.Errorf("CopyBidirectional = %+v, want %d and %d", c, len(msg1), len(msg2))
			}
			noWaiters(t, client, proxyA, proxyB, server)
			return nil
		})
	})
}

// countedReader counts the polls of its Read futures.
type countedReader struct {
	Reader
	polls int
	f     countedRead
}

type countedRead struct {
	r     *countedReader
	inner async.Future[async.Result[int]]
}

func (c *countedReader) Read(buf []byte) async.Future[async.Result[int]] {
	c.f = countedRead{r: c, inner: c.Reader.Read(buf)}
	return &c.f
}

func (f *countedRead) Poll(cx *async.Context) (async.Result[int], bool) {
	f.r.polls++
	return f.inner.Poll(cx)
}

func (f *countedRead) Cancel() { f.inner.Cancel() }

// rw puts a Reader and a Writer together.
type rw struct {
	Reader
	Writer
}

func TestCopyBidirectionalPollsOnlyTheWokenDirection(t *testing.T) {
	cx, _ := handContext()
	client, proxyA := duplexPair(64)
	proxyB, server := duplexPair(64)
	ra := &countedReader{Reader: proxyA}
	rb := &countedReader{Reader: proxyB}
	f := CopyBidirectional(rw{ra, proxyA}, rw{rb, proxyB}, make([]byte, 16), make([]byte, 16))
	mustPend(t, cx, f)
	if ra.polls != 1 || rb.polls != 1 {
		t.Fatalf("first poll polled the reads %d and %d times, want once each", ra.polls, rb.polls)
	}
	for i := range 3 {
		mustReady(t, cx, client.Write([]byte("ping")))
		mustPend(t, cx, f)
		if ra.polls != 2*(i+1)+1 || rb.polls != 1 {
			t.Fatalf("after %d writes by the client: reads of a polled %d times, of b %d; want %d and 1",
				i+1, ra.polls, rb.polls, 2*(i+1)+1)
		}
	}
	buf := make([]byte, 64)
	if res := mustReady(t, cx, server.Read(buf)); res.Err != nil || string(buf[:res.Value]) != "pingpingping" {
		t.Errorf("server read %q (%v), want the three pings", buf[:res.Value], res.Err)
	}
	f.Cancel()
	noWaiters(t, client, proxyA, proxyB, server)
}

func TestCopyBidirectionalFailureCancelsTheOtherDirection(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		boom := errors.New("boom")
		run(t, x, func(co *async.Co) error {
			client, proxyA := duplexPair(64)
			proxyB, server := duplexPair(64)
			proxy := async.Spawn(co.Context(), CopyBidirectional(proxyA, proxyB, nil, nil))
			if _, err := async.Await(co, WriteAll(server, []byte("hello"))).Get(); err != nil {
				return err
			}
			buf := make([]byte, 5)
			if _, err := async.Await(co, ReadFull(client, buf)).Get(); err != nil {
				return err
			}
			server.PipeWriter.CloseWithError(boom)
			res := async.Await(co, proxy).Value
			if res.Err != boom || res.Value.BToA != 5 || res.Value.AToB != 0 {
				t.Errorf("CopyBidirectional = %+v, %v; want {0 5}, %v", res.Value, res.Err, boom)
			}
			noWaiters(t, client, proxyA, proxyB, server)
			return nil
		})
	})
}

func TestCopyBidirectionalCancel(t *testing.T) {
	cx, waker := handContext()
	client, proxyA := duplexPair(8)
	proxyB, server := duplexPair(8)
	f := CopyBidirectional(proxyA, proxyB, nil, nil)
	mustPend(t, cx, f)
	// a to b waits to write: b's pipe is full; b to a waits to read.
	mustReady(t, cx, client.Write(pattern(8)))
	mustPend(t, cx, f)
	mustReady(t, cx, client.Write(pattern(8)))
	mustPend(t, cx, f)
	if _, wr := server.rd.p.waiters(); !wr {
		t.Fatal("the copy into a full pipe left no waker")
	}
	f.Cancel()
	noWaiters(t, client, proxyA, proxyB, server)
	wakes := waker.Wakes()
	mustReady(t, cx, server.Read(make([]byte, 8)))
	mustReady(t, cx, server.Write([]byte("x")))
	if waker.Wakes() != wakes {
		t.Errorf("a cancelled CopyBidirectional was woken %d times", waker.Wakes()-wakes)
	}
}
