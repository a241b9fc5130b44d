package interop

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/mpsc"
	"github.com/asyncgo/async/oneshot"
	"github.com/asyncgo/async/tcp"
	"github.com/asyncgo/async/timer"
	"github.com/asyncgo/async/websocket"
)

// runtime is one executor configuration our side runs on, as
// internal/rttest has them (which this module cannot import): the
// current-thread executor, and the multi-thread one with two workers, so
// that tasks move between worker goroutines.
type runtime struct {
	name  string
	opts  []executor.Option
	multi bool
}

var runtimes = []runtime{
	{name: "current-thread"},
	{name: "multi-thread", opts: []executor.Option{executor.WithWorkers(2)}, multi: true},
}

// make makes an executor of rt's kind; the caller closes it.
func (rt runtime) make() (executor.Executor, error) {
	if rt.multi {
		return executor.NewMultiThread(rt.opts...)
	}
	return executor.NewCurrentThread(rt.opts...)
}

// eachRuntime runs body as a subtest on each executor configuration.
func eachRuntime(t *testing.T, body func(t *testing.T, rt runtime)) {
	for _, rt := range runtimes {
		t.Run(rt.name, func(t *testing.T) { body(t, rt) })
	}
}

// ourConn is a wsConn on our websocket.Conn, for a coroutine: its methods
// await with the coroutine's Co. A reader task keeps a read in flight all
// the time, as the Conn needs to answer pings and closes and to see pongs,
// and hands the messages over an mpsc channel.
type ourConn struct {
	co         *async.Co
	c          *websocket.Conn
	reads      *mpsc.Receiver[readResult]
	reader     async.JoinHandle[struct{}]
	readErr    error // the reader's last error, once Receive had it
	readerDone bool  // the reader task was awaited
	aborted    bool
}

// readResult is one read of the reader task: a message or its last error.
type readResult struct {
	m   message
	err error
}

func newOurConn(co *async.Co, c *websocket.Conn) *ourConn {
	tx, rx := mpsc.Unbounded[readResult]()
	reader := async.Spawn(co.Context(), async.Do(func(co *async.Co) {
		defer tx.Close()
		for {
			m, err := async.Get(co, c.ReadMessage())
			if err != nil {
				tx.Send(readResult{err: ourError(err)})
				return
			}
			// Data is the Conn's until the next read.
			tx.Send(readResult{m: message{typ: int(m.Type), data: bytes.Clone(m.Data)}})
		}
	}))
	return &ourConn{co: co, c: c, reads: rx, reader: reader}
}

// ourError turns the peer's close into a *closeError; a close this end
// sent because the peer broke a rule stays our *websocket.CloseError.
func ourError(err error) error {
	var ce *websocket.CloseError
	if errors.As(err, &ce) && ce.Remote {
		return &closeError{code: int(ce.Code), reason: ce.Reason}
	}
	return err
}

// awaitErr awaits f within opTimeout.
func awaitErr(co *async.Co, f async.Future[error]) error {
	err, timeout := async.Get(co, timer.TimeoutValue(f, opTimeout))
	if timeout != nil {
		return timeout
	}
	return err
}

func (o *ourConn) Send(m message) error {
	return awaitErr(o.co, o.c.WriteMessage(websocket.MessageType(m.typ), m.data))
}

func (o *ourConn) SendFragments(typ int, parts [][]byte) error {
	w := o.c.NextWriter(websocket.MessageType(typ))
	for _, p := range parts {
		if _, err := async.Get(o.co, timer.Timeout(w.Write(p), opTimeout)); err != nil {
			return err
		}
	}
	return awaitErr(o.co, w.Close())
}

func (o *ourConn) Receive() (message, error) {
	if o.readErr != nil {
		return message{}, o.readErr
	}
	r, err := async.Get(o.co, timer.Timeout[readResult](o.reads.Recv(), opTimeout))
	if err != nil {
		return message{}, fmt.Errorf("receive: %w", err)
	}
	o.readErr = r.err
	return r.m, r.err
}

// Ping is our Ping, which waits for the pong with the same payload.
func (o *ourConn) Ping(p []byte) error { return awaitErr(o.co, o.c.Ping(p)) }

// Close closes with the handshake while the reader task reads on: the
// peer's close frame ends the reader task's read, and Close with it.
func (o *ourConn) Close(code int, reason string) error {
	defer o.Abort()
	return awaitErr(o.co, o.c.Close(websocket.StatusCode(code), reason))
}

func (o *ourConn) Compressed() bool { return o.c.Compressed() }

// Abort closes the socket, which ends the reader task's read, and waits
// for the task.
func (o *ourConn) Abort() {
	if o.aborted {
		return
	}
	o.aborted = true
	o.c.CloseNow()
	o.stopReader()
	o.reads.Close()
}

// stopReader cancels the reader task's read, which loses nothing, and
// waits for the task to end.
func (o *ourConn) stopReader() {
	if o.readerDone {
		return
	}
	o.readerDone = true
	o.reader.Abort()
	async.Await(o.co, o.reader)
}

// ourDial is our client, dialing from a coroutine on an executor of rt's
// kind made for the connection.
func ourDial(rt runtime) dialFunc {
	return func(url string, offer bool, body func(c wsConn) error) error {
		err, runErr := executor.Run(async.Go(func(co *async.Co) error {
			d := &websocket.Dialer{Options: websocket.Options{Compression: offer}}
			c, err := async.Get(co, timer.Timeout(d.Dial(url), opTimeout))
			if err != nil {
				return fmt.Errorf("%w %s: %w", errDial, url, err)
			}
			o := newOurConn(co, c)
			defer o.Abort()
			return body(o)
		}), rt.opts...)
		if runErr != nil {
			return fmt.Errorf("executor: %w", runErr)
		}
		return err
	}
}

// ourHandler is the echo server on our Upgrader, an http1 handler: each
// connection served in the coroutine of its request.
func ourHandler(v *verdicts) http1.Handler {
	plain := &websocket.Upgrader{}
	deflate := &websocket.Upgrader{Options: websocket.Options{Compression: true}}
	return http1.HandlerFunc(func(w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
		return async.Do(func(co *async.Co) {
			u, err := r.URL()
			if err != nil {
				return
			}
			up := plain
			if u.Query().Get("accept") == "1" {
				up = deflate
			}
			c, err := async.Get(co, up.Upgrade(w, r))
			if err != nil {
				v.put(u.Query().Get("id"), fmt.Errorf("upgrade: %w", err))
				return
			}
			serveConn(v, u, newOurConn(co, c))
		})
	})
}

// startOurs serves ourHandler on our http1.Server.
func startOurs(t *testing.T, rt runtime) (string, *verdicts) {
	v := newVerdicts()
	return startHTTP1(t, rt, func(executor.Executor) http1.Handler { return ourHandler(v) }), v
}

// startHTTP1 serves h on our http1.Server on loopback, on an executor of
// rt's kind run by a goroutine of its own, until the test ends; then it
// shuts the server down and checks that it stopped cleanly. It returns
// the ws:// base URL. The handler is made by handler with the executor,
// on which a handler's goroutine may spawn tasks.
func startHTTP1(t *testing.T, rt runtime, handler func(ex executor.Executor) http1.Handler) string {
	t.Helper()
	l, err := tcp.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := rt.make()
	if err != nil {
		t.Fatal(err)
	}
	srv := &http1.Server{Handler: handler(ex), ErrorLog: func(err error) { t.Logf("server: %v", err) }}
	stop, stopped := oneshot.New[struct{}]()
	done := make(chan error, 1)
	go func() {
		err, runErr := executor.BlockOn(ex, async.Go(func(co *async.Co) error {
			r := async.Await(co, async.Select2(srv.Serve(l), stopped))
			if r.Index == 0 {
				return r.V1
			}
			return async.Await(co, srv.Shutdown(time.Second))
		}))
		ex.Close()
		done <- errors.Join(err, runErr)
	}()
	t.Cleanup(func() {
		stop.Send(struct{}{})
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server shutdown: %v", err)
			}
		case <-time.After(2 * opTimeout):
			t.Errorf("the server did not shut down")
		}
	})
	return "ws://" + l.Addr().String()
}

// Our server with each library's client, and our client with each
// library's server, on both executors.

func TestGorillaClientOurServer(t *testing.T) {
	eachRuntime(t, func(t *testing.T, rt runtime) {
		tp := startTap(t)
		base, v := startOurs(t, rt)
		tp.forward(base)
		runCases(t, tp, v, gorillaDial)
	})
}

func TestCoderClientOurServer(t *testing.T) {
	eachRuntime(t, func(t *testing.T, rt runtime) {
		tp := startTap(t)
		base, v := startOurs(t, rt)
		tp.forward(base)
		runCases(t, tp, v, coderDial)
	})
}

func TestOurClientGorillaServer(t *testing.T) {
	eachRuntime(t, func(t *testing.T, rt runtime) {
		tp := startTap(t)
		base, v := startGorilla(t)
		tp.forward(base)
		runCases(t, tp, v, ourDial(rt))
	})
}

func TestOurClientCoderServer(t *testing.T) {
	eachRuntime(t, func(t *testing.T, rt runtime) {
		tp := startTap(t)
		base, v := startCoder(t)
		tp.forward(base)
		runCases(t, tp, v, ourDial(rt))
	})
}
