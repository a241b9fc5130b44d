package netfd

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/reactor"
)

// The benchmarks below time the system-call wrappers that the fault seam
// (faults.go) sits in, one operation per loop, so that the seam's cost in
// the path of every read, write, accept and socket shows here.

// benchContext returns a context on a new reactor, for polling futures
// without an executor; the benchmark's cleanup closes the reactor.
func benchContext(b *testing.B) *async.Context {
	b.Helper()
	r, err := reactor.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	return testfut.ReactorContext(async.NoopWaker(), r)
}

// benchStreams returns two Streams over the ends of a socket pair.
func benchStreams(b *testing.B) (*Stream, *Stream) {
	b.Helper()
	fds, err := Socketpair(unix.SOCK_STREAM)
	if err != nil {
		b.Fatal(err)
	}
	var s [2]Stream
	s[0].Init(fds[0], testFamily)
	s[1].Init(fds[1], testFamily)
	b.Cleanup(func() {
		s[0].Close()
		s[1].Close()
	})
	return &s[0], &s[1]
}

// BenchmarkStreamWriteRead writes 64 bytes into one end of a Unix socket
// pair and reads them from the other, both futures ready at the first
// poll: one write(2) and one read(2) and the runtime's path around them.
func BenchmarkStreamWriteRead(b *testing.B) {
	cx := benchContext(b)
	w, r := benchStreams(b)
	msg, buf := make([]byte, 64), make([]byte, 64)
	b.ReportAllocs()
	for b.Loop() {
		testfut.ResetBudget(cx) // a real task's budget is reset at every poll
		if res, ok := w.Write(msg).Poll(cx); !ok || res.Err != nil || res.Value != len(msg) {
			b.Fatalf("Write: %+v, %v", res, ok)
		}
		if res, ok := r.Read(buf).Poll(cx); !ok || res.Err != nil || res.Value != len(buf) {
			b.Fatalf("Read: %+v, %v", res, ok)
		}
	}
}

// BenchmarkPacketSendRecv sends a 64-byte datagram over a Unix datagram
// socket pair and receives it: one sendto(2) and one recvfrom(2).
func BenchmarkPacketSendRecv(b *testing.B) {
	cx := benchContext(b)
	fds, err := Socketpair(unix.SOCK_DGRAM)
	if err != nil {
		b.Fatal(err)
	}
	var w, r Packet
	w.Init(fds[0], testFamily)
	r.Init(fds[1], testFamily)
	b.Cleanup(func() {
		w.Close()
		r.Close()
	})
	msg, buf := make([]byte, 64), make([]byte, 64)
	b.ReportAllocs()
	for b.Loop() {
		testfut.ResetBudget(cx)
		if res, ok := w.Send(msg).Poll(cx); !ok || res.Err != nil {
			b.Fatalf("Send: %+v, %v", res, ok)
		}
		if res, ok := r.Recv(buf).Poll(cx); !ok || res.Err != nil || res.Value.N != len(msg) {
			b.Fatalf("Recv: %+v, %v", res, ok)
		}
	}
}

// BenchmarkSocketClose opens a TCP socket and closes it: socket(2) with
// its flags, and close(2).
func BenchmarkSocketClose(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		fd, err := Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
		if err != nil {
			b.Fatal(err)
		}
		unix.Close(fd)
	}
}

// BenchmarkFaultCheck is the fault seam's question on its own, with no
// faults installed (as outside fault tests): what every wrapper above
// pays for the seam.
// It counts its loop by hand, since b.Loop keeps the calls in its body from
// being inlined, and the check is inlined where it matters.
func BenchmarkFaultCheck(b *testing.B) {
	for i := range b.N {
		if err := injected(SysRead, i); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadEAGAIN is the cheapest call a wrapper makes, read(2) on an
// empty socket, which says EAGAIN: the scale BenchmarkFaultCheck is to be
// read against.
func BenchmarkReadEAGAIN(b *testing.B) {
	s, _ := benchStreams(b)
	buf := make([]byte, 64)
	for b.Loop() {
		if _, err := read(s.Sysfd(), buf); err != unix.EAGAIN {
			b.Fatal(err)
		}
	}
}
