package delayserver

import (
	"fmt"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/oneshot"
	"github.com/asyncgo/async/tcp"
	"github.com/asyncgo/async/timer"
)

// This file is the Async implementation: the same protocol on the
// runtime's own server, http1.Server, with a task per connection and the
// delay a timer of the runtime.

// asyncWorkers is the number of workers of the Async implementation's
// executor. A MultiThread executor is what a server on the runtime runs
// on, and with two workers a connection's task, its timer and the
// shutdown that cuts it off are on different workers now and then: the
// programs that test a client against this server test the server's
// cross-worker paths too, which a CurrentThread executor never takes.
// Two are enough for that, and idle workers park, so a server in a test
// costs nothing while it waits.
const asyncWorkers = 2

// asyncServer serves the protocol with http1.Server on an executor of its
// own, which runs on a goroutine of its own.
type asyncServer struct {
	addr string
	stop *oneshot.Sender[struct{}] // tells the serving task to shut down
	done chan struct{}             // closed once the executor is closed
	err  error                     // why serving stopped early; read only after done
}

// startAsync listens on addr and serves on a new executor.
func startAsync(addr string, log *requestLog) (*asyncServer, error) {
	l, err := tcp.Listen(addr)
	if err != nil {
		return nil, fmt.Errorf("delayserver: listen on %q: %w", addr, err)
	}
	ex, err := executor.NewMultiThread(executor.WithWorkers(asyncWorkers))
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("delayserver: executor for %s: %w", l.Addr(), err)
	}
	tx, rx := oneshot.New[struct{}]()
	s := &asyncServer{addr: l.Addr().String(), stop: tx, done: make(chan struct{})}
	// The defaults of http1.Server match the NetHTTP implementation's
	// settings where they matter: a head must arrive within 10 s.
	srv := &http1.Server{Handler: &asyncHandler{log: log}}
	started := make(chan struct{})
	go s.run(ex, srv, l, rx, started)
	// Return once the executor runs, so that the goroutines the server
	// keeps exist when Start returns, as NetHTTP's accept loop does: a
	// test that snapshots goroutines after Start sees all of them.
	select {
	case <-started:
		return s, nil
	case <-s.done:
		// The executor could not run the serving task; run has closed
		// the listener.
		return nil, s.err
	}
}

// run serves l until told to stop or until accepting fails, then shuts
// the server down and closes the executor. It closes started once the
// executor runs the serving task.
func (s *asyncServer) run(ex *executor.MultiThread, srv *http1.Server, l *tcp.Listener, stop *oneshot.Receiver[struct{}], started chan<- struct{}) {
	defer close(s.done)
	serveErr, err := executor.BlockOn(ex, async.Go(func(co *async.Co) error {
		close(started)
		r := async.Await(co, async.Select2(srv.Serve(l), stop))
		// A grace of zero drops the requests still in their delay, as
		// the NetHTTP implementation's Close does: the delay is the
		// whole of a request's life here, and waiting it out would make
		// Close take up to MaxDelay. Shutdown's error says only how many
		// connections it cut off, which is what Close is for.
		async.Await(co, srv.Shutdown(0))
		if r.Index == 0 {
			return r.V1 // accepting failed before Close
		}
		return nil
	}))
	if err == nil {
		err = serveErr
	}
	if cerr := ex.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// Shutdown closed the listener if the task ran; closing it
		// again is harmless, and needed if it never did.
		l.Close()
		s.err = fmt.Errorf("delayserver: serve on %s: %w", s.addr, err)
	}
}

// close shuts the server down and waits for its executor to close.
func (s *asyncServer) close() error {
	// Send fails only if the serving task has ended already, and then
	// there is nothing left to stop.
	s.stop.Send(struct{}{})
	<-s.done
	return s.err
}

// asyncHandler is the protocol as an http1.Handler. Its future is the
// delay followed by the answer; when the client goes away during the
// delay, the server cancels the future, which stops the timer, and
// nothing is written.
type asyncHandler struct {
	log *requestLog
}

func (h *asyncHandler) ServeHTTP1(w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
	// Every response closes its connection, as the book's server does;
	// http1 takes the field as the instruction to close after it.
	w.Header().Set("Connection", "close")
	if m := r.Method(); m != "GET" {
		w.Header().Set("Allow", "GET")
		return sendError(w, methodNotAllowed(m), 405)
	}
	delay, msg, err := parsePath(string(r.Path()))
	if err != nil {
		return sendError(w, err.Error(), 400)
	}
	// The log is written on a worker: a log that blocks holds that
	// worker, as it holds a connection's goroutine under net/http.
	h.log.request(delay, msg)
	return async.Then(timer.Sleep(delay), func(struct{}) async.Future[struct{}] {
		w.Header().Set("Content-Type", textPlain)
		return w.Send(200, []byte(msg))
	})
}

// sendError answers with status and a one-line reason, with the fields
// net/http's http.Error sets, so that both implementations' errors look
// the same to a client.
func sendError(w *http1.ResponseWriter, reason string, status int) async.Future[struct{}] {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", textPlain)
	h.Set("X-Content-Type-Options", "nosniff")
	return w.Send(status, []byte(reason+"\n"))
}
