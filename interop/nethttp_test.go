package interop

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/http1/nethttp"
	"github.com/asyncgo/async/oneshot"
	"github.com/asyncgo/async/timer"
	"github.com/asyncgo/async/websocket"
)

// blockingConn is a wsConn on our websocket.Conn made by UpgradeHTTP in
// a net/http handler run by our adapter (http1/nethttp): the handler's
// goroutine uses the Conn's Blocking methods, and runs what has none
// (NextWriter, Ping) as a task on the executor that serves the adapter.
//
// Its reader goroutine starts with the first Receive or Ping, not at
// once: /close closes without reading, and Close then reads the peer's
// close frame itself.
type blockingConn struct {
	c         *websocket.Conn
	ex        executor.Executor
	in        *inbox
	startRead sync.Once
	started   bool // the reader goroutine runs; only the handler's goroutine touches it
}

func newBlockingConn(c *websocket.Conn, ex executor.Executor) *blockingConn {
	return &blockingConn{c: c, ex: ex, in: newInbox()}
}

func (b *blockingConn) reader() *inbox {
	b.startRead.Do(func() {
		b.started = true
		b.in.start(func() (message, error) {
			m, err := b.c.ReadMessageBlocking()
			if err != nil {
				return message{}, ourError(err)
			}
			return message{typ: int(m.Type), data: append([]byte(nil), m.Data...)}, nil
		})
	})
	return b.in
}

// runOn runs f as a task on ex and waits for its error, within opTimeout.
func runOn(ex executor.Executor, f async.Future[error]) error {
	tx, rx := oneshot.New[error]()
	executor.Spawn(ex, async.Do(func(co *async.Co) {
		err, timeout := async.Get(co, timer.TimeoutValue(f, opTimeout))
		tx.Send(errors.Join(err, timeout))
	}))
	err, closed := rx.RecvBlocking()
	if closed != nil {
		return fmt.Errorf("the task on the executor: %w", closed)
	}
	return err
}

func (b *blockingConn) Send(m message) error {
	return b.c.WriteMessageBlocking(websocket.MessageType(m.typ), m.data)
}

func (b *blockingConn) SendFragments(typ int, parts [][]byte) error {
	return runOn(b.ex, async.Go(func(co *async.Co) error {
		w := b.c.NextWriter(websocket.MessageType(typ))
		for _, p := range parts {
			if _, err := async.Get(co, w.Write(p)); err != nil {
				return err
			}
		}
		return async.Await(co, w.Close())
	}))
}

func (b *blockingConn) Receive() (message, error) { return b.reader().receive() }

func (b *blockingConn) Ping(p []byte) error {
	b.reader() // the pong needs a read in flight
	return runOn(b.ex, b.c.Ping(p))
}

func (b *blockingConn) Close(code int, reason string) error {
	defer b.Abort()
	return b.c.CloseBlocking(websocket.StatusCode(code), reason)
}

func (b *blockingConn) Compressed() bool { return b.c.Compressed() }

func (b *blockingConn) Abort() {
	b.c.CloseNow()
	if b.started {
		b.in.close()
	}
}

// upgradeHTTPHandler is the echo server on our Upgrader's UpgradeHTTP, a
// net/http handler for our adapter; ex is the adapter's executor.
func upgradeHTTPHandler(v *verdicts, ex executor.Executor) http.Handler {
	plain := &websocket.Upgrader{}
	deflate := &websocket.Upgrader{Options: websocket.Options{Compression: true}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := plain
		if r.URL.Query().Get("accept") == "1" {
			u = deflate
		}
		c, err := u.UpgradeHTTP(w, r)
		if err != nil {
			v.put(r.URL.Query().Get("id"), fmt.Errorf("UpgradeHTTP: %w", err))
			return
		}
		serveConn(v, r.URL, newBlockingConn(c, ex))
	})
}

// TestGorillaOnAdapter serves gorilla's Upgrader through our net/http
// adapter, whose http.Hijacker hands it the connection, to gorilla's
// client and ours.
func TestGorillaOnAdapter(t *testing.T) {
	eachRuntime(t, func(t *testing.T, rt runtime) {
		v := newVerdicts()
		base := startHTTP1(t, rt, func(executor.Executor) http1.Handler { return nethttp.Handler(gorillaHandler(v)) })
		for _, cl := range []struct {
			name string
			dial dialFunc
		}{{"gorilla-client", gorillaDial}, {"our-client", ourDial(rt)}} {
			t.Run(cl.name, func(t *testing.T) {
				tp := startTap(t)
				tp.forward(base)
				runCases(t, tp, v, cl.dial)
			})
		}
	})
}

// TestUpgradeHTTPGorillaClient serves our Upgrader's UpgradeHTTP through
// our net/http adapter to gorilla's client.
func TestUpgradeHTTPGorillaClient(t *testing.T) {
	eachRuntime(t, func(t *testing.T, rt runtime) {
		v := newVerdicts()
		base := startHTTP1(t, rt, func(ex executor.Executor) http1.Handler { return nethttp.Handler(upgradeHTTPHandler(v, ex)) })
		tp := startTap(t)
		tp.forward(base)
		runCases(t, tp, v, gorillaDial)
	})
}
