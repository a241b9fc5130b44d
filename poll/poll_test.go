//go:build linux

package poll_test

import (
	"net"
	"os"
	"testing"
	"time"

	"github.com/asyncgo/async/poll"
	"golang.org/x/sys/unix"
)

// newPoller returns a Poller closed when the test ends, and checks that the
// test left no descriptor open.
func newPoller(t testing.TB) *poll.Poller {
	t.Helper()
	checkFDs(t)
	p, err := poll.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return p
}

// checkFDs fails the test if it ends with more open descriptors than it
// started with. Cleanups run last-in first-out, so register it first.
func checkFDs(t testing.TB) {
	t.Helper()
	before := openFDs(t)
	t.Cleanup(func() {
		if after := openFDs(t); after > before {
			t.Errorf("leaked %d file descriptors", after-before)
		}
	})
}

func openFDs(t testing.TB) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// socketPair returns a connected pair of non-blocking Unix stream sockets,
// closed when the test ends.
func socketPair(t testing.TB) (a, b int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeFD(fds[0]); closeFD(fds[1]) })
	return fds[0], fds[1]
}

// closeFD closes fd, ignoring EBADF for tests that closed it already.
func closeFD(fd int) { unix.Close(fd) }

// tcpPair returns a non-blocking client socket connected over loopback
// TCP, and the server's end as a net.Conn.
func tcpPair(t testing.TB) (client int, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeFD(fd) })
	port := ln.Addr().(*net.TCPAddr).Port
	if err := unix.Connect(fd, &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		t.Fatal(err)
	}
	server, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close() })
	return fd, server
}

func register(t testing.TB, p *poll.Poller, fd int, tok poll.Token, in poll.Interest, mode poll.Mode) {
	t.Helper()
	if err := p.Register(fd, tok, in, mode); err != nil {
		t.Fatal(err)
	}
}

func write(t testing.TB, fd int, s string) {
	t.Helper()
	if _, err := unix.Write(fd, []byte(s)); err != nil {
		t.Fatalf("write fd %d: %v", fd, err)
	}
}

// drain reads fd until EAGAIN and returns what it read.
func drain(t testing.TB, fd int) string {
	t.Helper()
	var got []byte
	buf := make([]byte, 4096)
	for {
		n, err := unix.Read(fd, buf)
		if err == unix.EAGAIN {
			return string(got)
		}
		if err != nil {
			t.Fatalf("read fd %d: %v", fd, err)
		}
		if n == 0 {
			return string(got)
		}
		got = append(got, buf[:n]...)
	}
}

// wait calls Wait with the timeout and returns a copy of the events.
func wait(t testing.TB, p *poll.Poller, ev *poll.Events, timeout time.Duration) []poll.Event {
	t.Helper()
	if err := p.Wait(ev, timeout); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	return append([]poll.Event(nil), ev.List()...)
}

// waitFor waits until an event for tok arrives (at most a generous 5 s)
// and returns it.
func waitFor(t testing.TB, p *poll.Poller, ev *poll.Events, tok poll.Token) poll.Event {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, e := range wait(t, p, ev, time.Until(deadline)) {
			if e.Token == tok {
				return e
			}
		}
	}
	t.Fatalf("no event for token %d within 5s", tok)
	return poll.Event{}
}

// quiet asserts that a short Wait reports nothing.
func quiet(t testing.TB, p *poll.Poller, ev *poll.Events) {
	t.Helper()
	if got := wait(t, p, ev, 20*time.Millisecond); len(got) != 0 {
		t.Fatalf("expected no events, got %v", got)
	}
}
