package tcp

import (
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// TestServe serves ten clients at once through Serve, then closes the
// listener: Serve ends with net.ErrClosed and nothing is left behind.
func TestServe(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			l, err := Listen("127.0.0.1:0")
			if err != nil {
				return err
			}
			handle := func(co *async.Co, c *Conn) { async.Await(co, echo(c)) }
			served := async.Spawn(co.Context(), Serve(l, handle))
			clients := make([]async.Future[error], 10)
			for i := range clients {
				clients[i] = async.Go(func(co *async.Co) error {
					c, err := async.Await(co, Connect(l.Addr().String())).Get()
					if err != nil {
						return err
					}
					defer c.Close()
					msg := fmt.Sprintf("client %d", i)
					if _, err := async.Await(co, c.WriteAll([]byte(msg))).Get(); err != nil {
						return err
					}
					c.CloseWrite()
					got, err := readAll(co, c)
					if err != nil || string(got) != msg {
						return fmt.Errorf("echo %q, %v; want %q", got, err, msg)
					}
					return nil
				})
			}
			for _, err := range async.Await(co, async.JoinAll(clients...)) {
				if err != nil {
					return err
				}
			}
			l.Close()
			r := async.Await(co, served)
			if r.Err != nil || !errors.Is(r.Value, net.ErrClosed) {
				return fmt.Errorf("Serve after Close: %v, %v; want net.ErrClosed", r.Value, r.Err)
			}
			return nil
		})
	})
}

// TestServeClosesWhatHandlersLeave: handlers that never close their
// connection, whose tasks end every way a task can (returning, panicking,
// aborted by shutdown while waiting), leave no descriptor behind: Serve
// and ServeFuture close each connection, and each client sees end of
// stream.
func TestServeClosesWhatHandlersLeave(t *testing.T) {
	// Serve's task and the test's may run on two workers of a MultiThread
	// at once: handled is atomic.
	forms := map[string]func(l *Listener, handled *atomic.Int32) async.Future[error]{
		"Serve": func(l *Listener, handled *atomic.Int32) async.Future[error] {
			return Serve(l, func(co *async.Co, c *Conn) {
				switch handled.Add(1) {
				case 1: // returns at once
					return
				case 2:
					panic("handler")
				}
				// waits forever: cancelled when the executor shuts down
				async.Await(co, async.Pending[struct{}]())
			})
		},
		"ServeFuture": func(l *Listener, handled *atomic.Int32) async.Future[error] {
			return ServeFuture(l, func(c *Conn) async.Future[struct{}] {
				switch handled.Add(1) {
				case 1:
					return async.Ready(struct{}{})
				case 2:
					return async.Go(func(*async.Co) struct{} { panic("handler") })
				}
				return async.Pending[struct{}]()
			})
		},
	}
	for name, serve := range forms {
		t.Run(name, func(t *testing.T) { testServeClosesWhatHandlersLeave(t, serve) })
	}
}

func testServeClosesWhatHandlersLeave(t *testing.T, serve func(l *Listener, handled *atomic.Int32) async.Future[error]) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			l, err := Listen("127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l.Close()
			var handled atomic.Int32
			async.Spawn(co.Context(), serve(l, &handled)).Detach()
			for i := 0; i < 2; i++ {
				c, err := async.Await(co, Connect(l.Addr().String())).Get()
				if err != nil {
					return err
				}
				// The read ends when Serve closes the server side.
				got, err := async.Get(co, timer.Timeout(async.Go(func(co *async.Co) async.Result[[]byte] {
					got, err := readAll(co, c)
					return async.Result[[]byte]{Value: got, Err: err}
				}), 10*time.Second))
				c.Close()
				if errors.Is(err, timer.ErrTimeout) {
					return fmt.Errorf("client %d: the server side was never closed: %v", i, err)
				}
				if err != nil || len(got) != 0 {
					return fmt.Errorf("client %d: read %q, %v; want end of stream", i, got, err)
				}
			}
			// The third handler's connection is open when the test returns:
			// the executor's shutdown cancels its task, and Serve closes it.
			c, err := async.Await(co, Connect(l.Addr().String())).Get()
			if err != nil {
				return err
			}
			defer c.Close()
			for handled.Load() < 3 {
				async.Await(co, async.Yield())
			}
			return nil
		})
	})
}

// TestServeClosesConnOfUnpolledHandler: a connection task cancelled
// before its first poll (shut down right after Serve spawned it) still
// closes its connection, even though the handler never ran.
func TestServeClosesConnOfUnpolledHandler(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			l, err := Listen("127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l.Close()
			c, err := async.Await(co, Connect(l.Addr().String())).Get()
			if err != nil {
				return err
			}
			defer c.Close()
			// Accept as Serve does, into a servedConn whose handler never runs.
			r := async.Await(co, l.acc.Accept())
			if r.Err != nil {
				return r.Err
			}
			ran := false
			served := &servedConn{}
			served.c.init(r.Value)
			served.f = async.Map(async.Pending[struct{}](), func(v struct{}) struct{} { ran = true; return v })
			served.Cancel()
			if ran {
				return fmt.Errorf("the handler ran")
			}
			if err := served.c.Close(); !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("closing the conn again: %v; want net.ErrClosed, as it was closed", err)
			}
			got, err := readAll(co, c)
			if err != nil || len(got) != 0 {
				return fmt.Errorf("client read %q, %v; want end of stream", got, err)
			}
			return nil
		})
	})
}
