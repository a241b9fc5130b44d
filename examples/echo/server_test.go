package main

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/tcp"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// threads is the -threads value that runs the server on x.
func threads(x rttest.Executor) int {
	if x.Multi {
		return rttest.Workers
	}
	return 1
}

// startServer serves on a free loopback port with the executor x until
// the test ends, then checks the server stopped cleanly and closed every
// descriptor.
func startServer(t *testing.T, x rttest.Executor) string {
	t.Helper()
	fdcheck.Check(t) // its cleanup runs last, after the server's
	l, err := tcp.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serve(l, threads(x)) }()
	t.Cleanup(func() {
		l.Close()
		select {
		case err := <-done:
			if !errors.Is(err, net.ErrClosed) {
				t.Errorf("serve ended with %v; want net.ErrClosed", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not end after the listener closed")
		}
	})
	return l.Addr().String()
}

// TestEchoManyConnections runs 300 clients at once, each sending 20
// messages of different sizes and checking every echo, on each executor:
// on the multi-thread one the connections' polls run at once on two
// workers, each reading into a buffer of its own.
func TestEchoManyConnections(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		addr := startServer(t, x)
		var wg sync.WaitGroup
		for i := range 300 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := pingPong(addr, 20, 1+i%200); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	})
}

// TestEchoDistinctStreams keeps 64 clients streaming at once, each its
// own pseudo-random bytes in writes of varied sizes while it reads the
// echo, so polls of different connections overlap on the multi-thread
// executor's workers: a buffer shared between two polls running at once
// would put one connection's bytes into another's echo.
func TestEchoDistinctStreams(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		addr := startServer(t, x)
		var wg sync.WaitGroup
		for i := range 64 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := stream(addr, i, 256<<10); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	})
}

// stream sends n bytes unique to client id over one connection, writing
// while it reads, and checks the echo byte for byte.
func stream(addr string, id, n int) error {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(60 * time.Second))
	data := make([]byte, n)
	for i := range data {
		data[i] = byte(id*131 + i*7 + i>>8)
	}
	werr := make(chan error, 1)
	go func() {
		for off, k := 0, 0; off < n; k++ {
			end := min(n, off+1+(id*37+k*1009)%8192)
			if _, err := c.Write(data[off:end]); err != nil {
				werr <- err
				return
			}
			off = end
		}
		werr <- nil
	}()
	got := make([]byte, n)
	if _, err := io.ReadFull(c, got); err != nil {
		return err
	}
	if err := <-werr; err != nil {
		return err
	}
	if !bytes.Equal(got, data) {
		return errors.New("the echo of a stream differs from what it sent")
	}
	return nil
}

func pingPong(addr string, rounds, size int) error {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	msg := bytes.Repeat([]byte{'x'}, size)
	got := make([]byte, size)
	for range rounds {
		if _, err := c.Write(msg); err != nil {
			return err
		}
		if _, err := io.ReadFull(c, got); err != nil {
			return err
		}
		if !bytes.Equal(got, msg) {
			return errors.New("echo differs from the message")
		}
	}
	return nil
}

// TestEchoLargeStream sends 8 MiB while reading the echo at once: the
// server's writes fill the socket and wait, keeping what is unsent, and
// every byte comes back in order.
func TestEchoLargeStream(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		addr := startServer(t, x)
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(60 * time.Second))
		data := make([]byte, 8<<20)
		rand.Read(data)
		werr := make(chan error, 1)
		go func() {
			_, err := c.Write(data)
			werr <- err
		}()
		got := make([]byte, len(data))
		if _, err := io.ReadFull(c, got); err != nil {
			t.Fatal(err)
		}
		if err := <-werr; err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Fatal("the echo of the stream differs from what was sent")
		}
	})
}

// TestEchoSlowReader lets a client send far more than it reads: the
// server stops reading once its writes back are stuck (backpressure), so
// the client's sends stall instead of the server buffering without bound;
// when the client reads again everything comes back.
func TestEchoSlowReader(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		addr := startServer(t, x)
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		chunk := bytes.Repeat([]byte{'y'}, 64<<10)
		sent := 0
		// Write until the send stalls: the kernel buffers on both sides fill
		// and the server holds at most one read it could not send.
		for sent < 256<<20 {
			c.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))
			n, err := c.Write(chunk)
			sent += n
			if err != nil {
				if errors.Is(err, os.ErrDeadlineExceeded) {
					break
				}
				t.Fatal(err)
			}
		}
		if sent >= 256<<20 {
			t.Fatalf("sent %d bytes without reading and the server still took them: no backpressure", sent)
		}
		c.SetDeadline(time.Now().Add(30 * time.Second))
		got := make([]byte, sent)
		if _, err := io.ReadFull(c, got); err != nil {
			t.Fatalf("reading back %d bytes: %v", sent, err)
		}
	})
}

// TestEchoPeerReset resets connections mid-stream; the server drops them
// and goes on serving others.
func TestEchoPeerReset(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		addr := startServer(t, x)
		for range 20 {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			c.Write(bytes.Repeat([]byte{'z'}, 100<<10))
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}
		if err := pingPong(addr, 5, 64); err != nil {
			t.Fatal(err)
		}
	})
}
