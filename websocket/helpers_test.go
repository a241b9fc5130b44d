package websocket

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/oneshot"
	"github.com/asyncgo/async/tcp"
)

// serve runs an http1.Server whose handler upgrades with u and hands the
// connection to session, on executor x, until the test ends.
func serve(t testing.TB, x rttest.Executor, u *Upgrader, session func(co *async.Co, c *Conn)) string {
	t.Helper()
	return "ws://" + serveHandler(t, x, http1.HandlerFunc(func(w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
		return async.Do(func(co *async.Co) {
			c, err := async.Get(co, u.Upgrade(w, r))
			if err != nil {
				return
			}
			defer c.CloseNow()
			session(co, c)
		})
	}))
}

// serveHandler runs an http1.Server with handler h on executor x until
// the test ends, and returns its address.
func serveHandler(t testing.TB, x rttest.Executor, h http1.Handler) string {
	t.Helper()
	l, err := tcp.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http1.Server{Handler: h}
	stop, stopped := oneshot.New[struct{}]()
	done := make(chan error, 1)
	go func() {
		err, runErr := executor.Run(async.Go(func(co *async.Co) error {
			r := async.Await(co, async.Select2(srv.Serve(l), stopped))
			if r.Index == 0 {
				return r.V1
			}
			return async.Await(co, srv.Shutdown(time.Second))
		}), x.Options...)
		done <- errors.Join(err, runErr)
	}()
	t.Cleanup(func() {
		stop.Send(struct{}{})
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Errorf("the server did not shut down")
		}
	})
	return l.Addr().String()
}

// echo is a session that sends every message back until the connection
// ends, then closes it.
func echo(co *async.Co, c *Conn) {
	for {
		m, err := async.Get(co, c.ReadMessage())
		if err != nil {
			return
		}
		if err := async.Await(co, c.WriteMessage(m.Type, m.Data)); err != nil {
			return
		}
	}
}

// client runs body with a connection dialled to url by d, on executor x.
func client(t testing.TB, x rttest.Executor, d *Dialer, url string, body func(co *async.Co, c *Conn)) {
	t.Helper()
	_, err := executor.Run(async.Go(func(co *async.Co) struct{} {
		c, err := async.Get(co, d.Dial(url))
		if err != nil {
			t.Errorf("dial: %v", err)
			return struct{}{}
		}
		defer c.CloseNow()
		body(co, c)
		return struct{}{}
	}), x.Options...)
	if err != nil {
		t.Fatal(err)
	}
}

// executorRun runs body as a coroutine on executor x and returns its
// error; the first result is the executor's own failure.
func executorRun(x rttest.Executor, body func(co *async.Co) error) (struct{}, error) {
	err, runErr := executor.Run(async.Go(body), x.Options...)
	if runErr != nil {
		return struct{}{}, runErr
	}
	return struct{}{}, err
}

func asHandshake(err error, he **HandshakeError) bool { return errors.As(err, he) }
