package tcp

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// noSources fails if the reactor of co still has registrations: every
// socket the test made must be closed by then.
func noSources(co *async.Co) error {
	if n := co.Context().Reactor().Sources(); n != 0 {
		return fmt.Errorf("%d sources still registered", n)
	}
	return nil
}

// TestResetMidWrite resets the connection while a writer waits for room
// in a full socket: the writer gets ECONNRESET or EPIPE as an error. The
// writes after the reset make the kernel raise SIGPIPE, which the Go
// runtime ignores for descriptors other than standard output and error,
// so the process lives on to see EPIPE.
func TestResetMidWrite(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			l.Close()
			writer := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				_, err := async.Await(co, c.WriteAll(make([]byte, 64<<20))).Get()
				return err
			}))
			async.Await(co, timer.Sleep(20*time.Millisecond)) // the socket fills, the writer waits
			if err := s.SetLinger(0); err != nil {
				return err
			}
			if err := s.Close(); err != nil { // sends RST
				return err
			}
			r := async.Await(co, timer.Timeout(writer, 10*time.Second))
			if r.Err != nil {
				return fmt.Errorf("writer not woken by the reset: %v", r.Err)
			}
			err = r.Value
			if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
				return fmt.Errorf("write to a reset connection: %v; want ECONNRESET or EPIPE", err)
			}
			var oe *net.OpError
			if !errors.As(err, &oe) || oe.Op != "write" {
				return fmt.Errorf("write error %#v is not a *net.OpError for write", err)
			}
			// The reset is reported once; writes after it get EPIPE, and
			// with it the kernel's SIGPIPE.
			for range 3 {
				if _, err := async.Await(co, c.Write([]byte("more"))).Get(); !errors.Is(err, syscall.EPIPE) {
					return fmt.Errorf("write after the reset was reported: %v; want EPIPE", err)
				}
			}
			if err := c.Close(); err != nil {
				return err
			}
			return noSources(co)
		})
	})
}

// TestHalfCloseClientFirst is the request-response shape: the client
// sends its request and shuts down writing; the server reads to end of
// stream and still answers on the same connection.
func TestHalfCloseClientFirst(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			l.Close()
			defer c.Close()
			server := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				defer s.Close()
				req, err := readAll(co, s)
				if err != nil {
					return err
				}
				_, err = async.Await(co, s.WriteAll(append([]byte("answer to "), req...))).Get()
				return err
			}))
			if _, err := async.Await(co, c.WriteAll([]byte("question"))).Get(); err != nil {
				return err
			}
			if err := c.CloseWrite(); err != nil {
				return err
			}
			got, err := readAll(co, c)
			if err != nil || string(got) != "answer to question" {
				return fmt.Errorf("client read %q, %v; want the answer, then end of stream", got, err)
			}
			r := async.Await(co, server)
			return errors.Join(r.Err, r.Value)
		})
	})
}

// TestHalfCloseServerFirst is the other way round: the server sends a
// greeting and shuts down writing; the client reads it to end of stream,
// then replies, which the server still reads.
func TestHalfCloseServerFirst(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			l.Close()
			defer c.Close()
			defer s.Close()
			if _, err := async.Await(co, s.WriteAll([]byte("hello"))).Get(); err != nil {
				return err
			}
			if err := s.CloseWrite(); err != nil {
				return err
			}
			got, err := readAll(co, c)
			if err != nil || string(got) != "hello" {
				return fmt.Errorf("client read %q, %v; want the greeting, then end of stream", got, err)
			}
			if _, err := async.Await(co, c.WriteAll([]byte("hello back"))).Get(); err != nil {
				return err
			}
			if err := c.CloseWrite(); err != nil {
				return err
			}
			got, err = readAll(co, s)
			if err != nil || string(got) != "hello back" {
				return fmt.Errorf("server read %q, %v after its CloseWrite; want the reply", got, err)
			}
			return nil
		})
	})
}

// TestCloseWakesWriter closes a connection while a task waits to write
// into its full socket.
func TestCloseWakesWriter(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			c, s, l, err := pair(co, "127.0.0.1:0")
			if err != nil {
				return err
			}
			l.Close()
			defer s.Close()
			writer := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				_, err := async.Await(co, c.WriteAll(make([]byte, 64<<20))).Get()
				return err
			}))
			async.Await(co, timer.Sleep(20*time.Millisecond)) // the socket fills, the writer waits
			if err := c.Close(); err != nil {
				return err
			}
			r := async.Await(co, timer.Timeout(writer, 10*time.Second))
			if r.Err != nil {
				return fmt.Errorf("writer not woken by Close: %v", r.Err)
			}
			if err := r.Value; !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("write on a conn closed meanwhile: %v; want net.ErrClosed", err)
			}
			if err := s.Close(); err != nil {
				return err
			}
			return noSources(co)
		})
	})
}
