package bridge

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"github.com/asyncgo/async/internal/rttest"
)

// isTimeout reports whether err is a timeout by both of the net package's
// tests.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) && errors.As(err, &ne) && ne.Timeout()
}

func TestReadTimesOut(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		nc := bridged(h)
		deadline := time.Now().Add(20 * time.Millisecond)
		nc.SetReadDeadline(deadline)
		n, err := nc.Read(make([]byte, 8))
		if n != 0 || !isTimeout(err) {
			t.Fatalf("Read with no data = %d, %v; want a timeout", n, err)
		}
		if time.Now().Before(deadline) {
			t.Fatal("the Read timed out before its deadline")
		}
		// The deadline has passed: the next Read fails at once.
		if _, err := nc.Read(make([]byte, 8)); !isTimeout(err) {
			t.Fatalf("Read after the deadline: %v; want a timeout", err)
		}
		// With the deadline lifted the connection works on.
		nc.SetReadDeadline(time.Time{})
		if _, err := nc.Write([]byte("still here")); err != nil {
			t.Fatal(err)
		}
		if n, err := nc.Read(make([]byte, 64)); n == 0 || err != nil {
			t.Fatalf("Read after lifting the deadline = %d, %v", n, err)
		}
	})
}

// A deadline that has passed fails a Read at once, even with data ready.
func TestPastDeadlineFailsAtOnce(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		nc := bridged(h)
		if _, err := nc.Write([]byte("ready")); err != nil {
			t.Fatal(err)
		}
		nc.SetDeadline(time.Now().Add(-time.Second))
		if _, err := nc.Read(make([]byte, 8)); !isTimeout(err) {
			t.Fatalf("Read past its deadline: %v; want a timeout", err)
		}
		if _, err := nc.Write([]byte("x")); !isTimeout(err) {
			t.Fatalf("Write past its deadline: %v; want a timeout", err)
		}
	})
}

// A deadline set while a Read is blocked applies to that Read: moved from
// far away to near, the Read times out.
func TestDeadlineMovedEarlierWhileBlocked(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		nc := bridged(h)
		nc.SetReadDeadline(time.Now().Add(time.Hour))
		ch := goCall(func() (int, error) { return nc.Read(make([]byte, 8)) })
		waitBlocked(t, nc.(*netConn).rd)
		nc.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		if r := within(t, ch); !isTimeout(r.err) {
			t.Fatalf("Read = %d, %v; want a timeout", r.n, r.err)
		}
	})
}

// A deadline set while a Read is blocked without one applies too, and one
// set in the past ends it at once.
func TestPastDeadlineWhileBlocked(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		nc := bridged(h)
		ch := goCall(func() (int, error) { return nc.Read(make([]byte, 8)) })
		waitBlocked(t, nc.(*netConn).rd)
		nc.SetDeadline(time.Unix(1, 0))
		if r := within(t, ch); !isTimeout(r.err) {
			t.Fatalf("Read = %d, %v; want a timeout", r.n, r.err)
		}
	})
}

// A deadline lifted while a Read is blocked no longer ends it.
func TestDeadlineLiftedWhileBlocked(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		nc := bridged(h)
		nc.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		ch := goCall(func() (int, error) { return nc.Read(make([]byte, 8)) })
		waitBlocked(t, nc.(*netConn).rd)
		nc.SetReadDeadline(time.Time{})
		time.Sleep(300 * time.Millisecond) // past the old deadline
		if _, err := nc.Write([]byte("late")); err != nil {
			t.Fatal(err)
		}
		if r := within(t, ch); r.err != nil || r.n == 0 {
			t.Fatalf("Read = %d, %v; want the data", r.n, r.err)
		}
	})
}

// A Write to a peer that does not read times out, reporting what it wrote.
func TestWriteTimesOutWithCount(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		client, _ := pair(h) // the server end never reads
		nc := NetConn(h.ex, client)
		defer nc.Close()
		data := make([]byte, 64<<20) // more than the socket buffers hold
		nc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		n, err := nc.Write(data)
		if !isTimeout(err) || n <= 0 || n >= len(data) {
			t.Fatalf("Write = %d of %d, %v; want part of it and a timeout", n, len(data), err)
		}
	})
}
