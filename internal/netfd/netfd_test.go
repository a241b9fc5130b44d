package netfd

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"unsafe"

	"go.uber.org/goleak"
	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
	"github.com/asyncgo/async/reactor"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var testFamily = &Family{Net: "unix", Addr: func(unix.Sockaddr) net.Addr { return nil }}

// streamPair returns a Stream over one end of a socket pair, and the other
// end's descriptor.
func streamPair(t *testing.T) (*Stream, int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		if err := unix.SetNonblock(fd, true); err != nil {
			t.Fatal(err)
		}
	}
	s := &Stream{}
	s.Init(fds[0], testFamily)
	t.Cleanup(func() {
		s.Close()
		unix.Close(fds[1])
	})
	return s, fds[1]
}

// TestSizes keeps an idle connection cheap: the numbers in the package
// comment are the budget of examples/echo's memory per connection.
func TestSizes(t *testing.T) {
	if n := unsafe.Sizeof(FD{}); n > 32 {
		t.Errorf("FD is %d bytes; want at most 32", n)
	}
	if n := unsafe.Sizeof(Stream{}); n > 112 {
		t.Errorf("Stream is %d bytes; want at most 112", n)
	}
}

func TestShortReadClearsReadiness(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		s, peer := streamPair(t)
		_, err := executor.Run(async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
			unix.Write(peer, []byte("ping"))
			buf := make([]byte, 64)
			r, ok := s.Read(buf).Poll(cx)
			if !ok || r.Err != nil || string(buf[:r.Value]) != "ping" {
				t.Errorf("Read: %+v, %v; want \"ping\"", r, ok)
			}
			// The read was short, so the socket is known drained: the next
			// Read waits without trying read(2). On a MultiThread another
			// worker may turn the reactor meanwhile and deliver the event
			// of the registration, which sets the bit again (rightly: it is
			// an event, not a stale clear); the Read below is pending all
			// the same.
			if src := s.Registered(); src == nil || !x.Multi && src.Ready()&reactor.Readable != 0 {
				t.Errorf("after a short read the source is %v; want it not readable", src.Ready())
			}
			if _, ok := s.Read(buf).Poll(cx); ok {
				t.Error("Read on a drained socket is ready")
			}
			(*readFuture)(s).Cancel()
			return struct{}{}, true
		}), x.Options...)
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestFullReadKeepsReadiness(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		s, peer := streamPair(t)
		_, err := executor.Run(async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
			unix.Write(peer, []byte("pingpong"))
			buf := make([]byte, 4)
			for _, want := range []string{"ping", "pong"} {
				r, ok := s.Read(buf).Poll(cx)
				if !ok || r.Err != nil || string(buf[:r.Value]) != want {
					t.Errorf("Read: %+v, %v; want %q", r, ok, want)
				}
			}
			return struct{}{}, true
		}), x.Options...)
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestReadAtEOFAndAfterClose(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		s, peer := streamPair(t)
		unix.Close(peer)
		_, err := executor.Run(async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
			r, ok := s.Read(make([]byte, 8)).Poll(cx)
			if !ok || r.Err != io.EOF {
				t.Errorf("Read at end of stream: %+v, %v; want io.EOF", r, ok)
			}
			return struct{}{}, true
		}), x.Options...)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); !errors.Is(err, net.ErrClosed) {
			t.Errorf("second Close: %v; want net.ErrClosed", err)
		}
		if s.Acquire() {
			t.Error("Acquire succeeded after Close")
		}
		if err := s.CloseWrite(); !errors.Is(err, net.ErrClosed) {
			t.Errorf("CloseWrite after Close: %v; want net.ErrClosed", err)
		}
	})
}

// TestCloseWaitsForCallsInFlight races Close against goroutines that keep
// making calls: every call either runs on the open descriptor or sees it
// closed, never a closed or reused number (which would show as EBADF).
func TestCloseWaitsForCallsInFlight(t *testing.T) {
	for range 50 {
		s, _ := streamPair(t)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					err := s.Control(func(fd int) error {
						_, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
						return err
					})
					if errors.Is(err, net.ErrClosed) {
						return
					}
					if err != nil {
						t.Errorf("call on an open descriptor: %v", err)
						return
					}
				}
			}()
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
	}
}

// TestRegisterRacesClose registers from several goroutines while another
// closes: whatever the order, the reactor ends with no sources.
func TestRegisterRacesClose(t *testing.T) {
	r, err := reactor.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for range 100 {
		s, _ := streamPair(t)
		cx := testfut.ReactorContext(async.NoopWaker(), r)
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				src, err := s.Source(cx)
				if err == nil && src == nil || err != nil && !errors.Is(err, net.ErrClosed) {
					t.Errorf("Source: %v, %v", src, err)
				}
			}()
		}
		s.Close()
		wg.Wait()
		if n := r.Sources(); n != 0 {
			t.Fatalf("%d sources left after Close", n)
		}
	}
}
