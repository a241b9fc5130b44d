package bridge

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/tcp"
)

// *tcp.Conn is the connection bridges are made for.
var _ Conn = (*tcp.Conn)(nil)

func TestEchoThroughBufio(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		nc := bridged(h)
		w, r := bufio.NewWriter(nc), bufio.NewReader(nc)
		for i := range 50 {
			line := fmt.Sprintf("line %d of the echo test\n", i)
			if _, err := w.WriteString(line); err != nil {
				t.Fatal(err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			got, err := r.ReadString('\n')
			if err != nil || got != line {
				t.Fatalf("read %q, %v; want %q", got, err, line)
			}
		}
	})
}

// A reader goroutine and a writer goroutine at once, with more data than
// the sockets hold: the Write must be written in many pieces, and neither
// direction may wait for the other.
func TestLargeTransferBothWays(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		nc := bridged(h)
		data := make([]byte, 4<<20)
		for i := range data {
			data[i] = byte(rand.Uint32())
		}
		wrote := goCall(func() (int, error) { return nc.Write(data) })
		got := make([]byte, len(data))
		if _, err := io.ReadFull(nc, got); err != nil {
			t.Fatal(err)
		}
		if r := within(t, wrote); r.n != len(data) || r.err != nil {
			t.Fatalf("Write = %d, %v; want %d, nil", r.n, r.err, len(data))
		}
		if !bytes.Equal(got, data) {
			t.Fatal("the echo differs from what was sent")
		}
	})
}

func TestEmptyBuffers(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		nc := bridged(h)
		if n, err := nc.Write(nil); n != 0 || err != nil {
			t.Fatalf("Write(nil) = %d, %v", n, err)
		}
		if n, err := nc.Read(nil); n != 0 || err != nil {
			t.Fatalf("Read(nil) = %d, %v", n, err)
		}
	})
}

// Two goroutines reading at once are served in turn, each getting data.
func TestConcurrentReaders(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		nc := bridged(h)
		read := func() (int, error) { return nc.Read(make([]byte, 1)) }
		a, b := goCall(read), goCall(read)
		waitBlocked(t, nc.(*netConn).rd)
		if _, err := nc.Write([]byte("xy")); err != nil {
			t.Fatal(err)
		}
		for _, ch := range []<-chan result{a, b} {
			if r := within(t, ch); r.n != 1 || r.err != nil {
				t.Fatalf("Read = %d, %v", r.n, r.err)
			}
		}
	})
}

func TestEndOfStream(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		client, server := pair(h)
		nc := NetConn(h.ex, client)
		defer nc.Close()
		server.Close()
		if n, err := nc.Read(make([]byte, 8)); n != 0 || err != io.EOF {
			t.Fatalf("Read after the peer closed = %d, %v; want 0, io.EOF", n, err)
		}
	})
}

// Reader and Writer bridge one direction each, and their Close leaves the
// connection open.
func TestReaderAndWriter(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		client, server := pair(h)
		w := Writer(h.ex, client)
		r := Reader(h.ex, server)
		msg := bytes.Repeat([]byte("one way "), 100_000)
		wrote := goCall(func() (int, error) {
			n, err := w.Write(msg)
			if err == nil {
				err = client.CloseWrite()
			}
			return n, err
		})
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("ReadAll: %d bytes, %v; want %d", len(got), err, len(msg))
		}
		if res := within(t, wrote); res.err != nil || res.n != len(msg) {
			t.Fatalf("Write = %d, %v", res.n, res.err)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err == nil {
			t.Fatal("a second Close succeeded")
		}
		// The connection is still open: its own Read works.
		if _, err := await(h, server.Read(make([]byte, 1))).Get(); err != io.EOF {
			t.Fatalf("server Read after the bridges closed: %v; want io.EOF", err)
		}
	})
}
