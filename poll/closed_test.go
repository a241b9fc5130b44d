//go:build linux

package poll_test

import (
	"net"
	"testing"

	"github.com/asyncgo/async/poll"
	"golang.org/x/sys/unix"
)

func TestPeerCloseReportedAsReadClosed(t *testing.T) {
	p := newPoller(t)
	ev := poll.NewEvents(16)
	fd, server := tcpPair(t)
	register(t, p, fd, 1, poll.Readable, poll.Edge)
	quiet(t, p, ev)

	server.Close()
	e := waitFor(t, p, ev, 1)
	if !e.ReadClosed() || !e.Readable() {
		t.Fatalf("event = %v, want readable and read-closed", e)
	}
	if got := drain(t, fd); got != "" {
		t.Fatalf("read %q after close, want end of stream", got)
	}
}

func TestPeerShutdownWriteIsReadClosedNotWriteClosed(t *testing.T) {
	p := newPoller(t)
	ev := poll.NewEvents(16)
	fd, server := tcpPair(t)
	register(t, p, fd, 1, poll.ReadWrite, poll.Edge)
	waitFor(t, p, ev, 1) // writable at once

	if err := server.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	e := waitFor(t, p, ev, 1)
	if !e.ReadClosed() || e.WriteClosed() {
		t.Fatalf("event = %v, want read-closed and not write-closed", e)
	}
}

func TestHangupReportsBothClosed(t *testing.T) {
	p := newPoller(t)
	ev := poll.NewEvents(16)
	fd, server := tcpPair(t)
	register(t, p, fd, 1, poll.ReadWrite, poll.Edge)
	waitFor(t, p, ev, 1)

	// Our side shuts its writing half and the peer closes: the connection
	// is gone both ways, which epoll reports as a hang-up.
	if err := unix.Shutdown(fd, unix.SHUT_WR); err != nil {
		t.Fatal(err)
	}
	server.Close()
	e := waitFor(t, p, ev, 1)
	for !e.WriteClosed() {
		e = waitFor(t, p, ev, 1)
	}
	if !e.ReadClosed() {
		t.Fatalf("event = %v, want read-closed and write-closed", e)
	}
}

func TestResetReportsError(t *testing.T) {
	p := newPoller(t)
	ev := poll.NewEvents(16)
	fd, server := tcpPair(t)
	register(t, p, fd, 1, poll.ReadWrite, poll.Edge)
	waitFor(t, p, ev, 1)

	// Linger 0 makes close send RST instead of FIN.
	if err := server.(*net.TCPConn).SetLinger(0); err != nil {
		t.Fatal(err)
	}
	server.Close()
	e := waitFor(t, p, ev, 1)
	if !e.Error() || !e.ReadClosed() {
		t.Fatalf("event = %v, want error and read-closed", e)
	}
	if _, err := unix.Read(fd, make([]byte, 1)); err != unix.ECONNRESET {
		t.Fatalf("read after reset: %v, want ECONNRESET", err)
	}
}
