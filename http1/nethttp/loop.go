package nethttp

import (
	"io"
	"net/http"
	"runtime"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/task"
)

// loopState is the loop's side of an exchange: the op it is doing and the
// native futures in flight for it. Only the connection's task touches it.
type loopState struct {
	started bool
	op      op    // the op being done, or opNone
	step    uint8 // the part of a write op done: 0 a, 1 b, 2 the flush
	headSet bool  // the handler's status and fields are in the native writer

	rd async.Future[async.Result[int]]
	wr async.Future[async.Result[int]]
	fl async.Future[error]
	hj async.Future[async.Result[http1.Hijacked]]
}

// Poll runs the loop's side: at the first poll it builds the request and
// starts the handler's goroutine; then it does each op the goroutine
// posts, and is ready once the handler returned (its last bytes handed to
// the server) or hijacked the connection.
func (x *exchange) Poll(cx *async.Context) (struct{}, bool) {
	l := &x.loop
	if !l.started {
		l.started = true
		if !x.start(cx) {
			return struct{}{}, true
		}
	}
	for {
		if l.op.kind == opNone {
			l.op = x.take(cx.Waker())
			if l.op.kind == opNone {
				return struct{}{}, false
			}
			l.step = 0
		}
		switch l.op.kind {
		case opRead:
			r, ok := x.read(cx)
			if !ok {
				return struct{}{}, false
			}
			l.op = op{}
			x.complete(r)
		case opWrite:
			err, ok := x.write(cx)
			if !ok {
				return struct{}{}, false
			}
			l.op = op{}
			x.complete(result{err: err})
		case opHijack:
			r, ok := x.hijack(cx)
			if !ok {
				return struct{}{}, false
			}
			l.op = op{}
			if r.err != nil {
				x.complete(r)
				continue
			}
			// The server lets the connection go without ending the
			// response; the goroutine owns the socket from here.
			x.w.Abort(0)
			x.mu.Lock()
			x.gone = http.ErrHijacked
			x.mu.Unlock()
			x.complete(r)
			x.leave(http.ErrHijacked, op{})
			return struct{}{}, true
		case opEnd:
			if l.op.abort {
				x.w.Abort(l.op.abortStatus)
			} else if _, ok := x.write(cx); !ok {
				return struct{}{}, false
			}
			// A failed write needs nothing more: the native writer keeps
			// the error, and the server closes the connection.
			l.op = op{}
			x.leave(errEnded, op{})
			return struct{}{}, true
		}
	}
}

// Cancel is the server aborting the request: it cancels the native
// futures in flight, cancels the request's context, and fails the op the
// goroutine waits for, and every later one.
func (x *exchange) Cancel() {
	l := &x.loop
	switch {
	case l.rd != nil:
		l.rd.Cancel()
	case l.wr != nil:
		l.wr.Cancel()
	case l.fl != nil:
		l.fl.Cancel()
	case l.hj != nil:
		l.hj.Cancel()
	}
	if x.req != nil {
		x.req.cancel(errAborted)
	}
	o := l.op
	l.op = op{}
	x.leave(errAborted, o)
}

// start builds the request and hands the handler to the executor's
// blocking pool. A target that does not parse as a URL is answered 400,
// as net/http does, without calling the handler; start then reports
// false.
func (x *exchange) start(cx *async.Context) bool {
	rq, err := x.newRequest(cx)
	if err != nil {
		x.w.Abort(http.StatusBadRequest)
		x.leave(errEnded, op{})
		return false
	}
	x.req = rq
	x.mu.Lock()
	x.refs++ // the goroutine's
	x.mu.Unlock()
	// The pool is reached through the task's Context rather than with
	// async.SpawnBlocking, which would spawn a task, a state and a
	// closure per request: x.run is made once per exchange, so handing
	// it over allocates nothing.
	if p := (*task.Context)(cx).Pool(); p != nil {
		p.Go(x.run)
	} else {
		go x.run() // an executor without a blocking pool
	}
	yield()
	return true
}

// yield lets the goroutine just made runnable (the handler's, started or
// handed its op's result) run now. With one P (GOMAXPROCS=1, a server
// pinned to one core) it would otherwise wait until the executor blocks
// in epoll_wait and the runtime's sysmon notices, tens of microseconds
// and a thread hand-off later, or, under load, until the executor is
// preempted. Yielding runs the handler at once, and the executor goes on
// when the handler waits for its next op; with more Ps the goroutine
// usually runs elsewhere already, and the yield costs little.
func yield() { runtime.Gosched() }

// read reads request body into the goroutine's buffer.
func (x *exchange) read(cx *async.Context) (result, bool) {
	l := &x.loop
	if l.rd == nil {
		l.rd = x.r.Body().Read(l.op.a)
	}
	r, ok := l.rd.Poll(cx)
	if !ok {
		return result{}, false
	}
	l.rd = nil
	if r.Err != nil && r.Err != io.EOF {
		x.req.cancel(r.Err) // the connection failed
	}
	return result{n: r.Value, err: r.Err}, true
}

// write sets the head if the op carries it, writes the op's bytes into
// the server's output buffer (which writes to the socket when it fills,
// waiting for a slow client: the goroutine waits meanwhile), then
// flushes if asked.
func (x *exchange) write(cx *async.Context) (error, bool) {
	l := &x.loop
	o := &l.op
	if o.head && !l.headSet {
		l.headSet = true
		h := x.w.Header()
		for _, f := range o.fields {
			h.Add(f.name, f.value)
		}
		x.w.WriteHeader(o.status)
	}
	for {
		switch l.step {
		case 0, 1:
			p := o.a
			if l.step == 1 {
				p = o.b
			}
			if len(p) > 0 {
				if l.wr == nil {
					l.wr = x.w.Write(p)
				}
				r, ok := l.wr.Poll(cx)
				if !ok {
					return nil, false
				}
				l.wr = nil
				if r.Err != nil {
					x.req.cancel(r.Err)
					return r.Err, true
				}
			}
			l.step++
		default:
			if !o.flush {
				return nil, true
			}
			if l.fl == nil {
				l.fl = x.w.Flush()
			}
			err, ok := l.fl.Poll(cx)
			if !ok {
				return nil, false
			}
			l.fl = nil
			if err != nil {
				x.req.cancel(err)
			}
			return err, true
		}
	}
}

// hijack writes what the handler wrote, then takes the connection from
// the server.
func (x *exchange) hijack(cx *async.Context) (result, bool) {
	l := &x.loop
	if l.hj == nil {
		if err, ok := x.write(cx); !ok {
			return result{}, false
		} else if err != nil {
			return result{err: err}, true
		}
		l.hj = x.w.Hijack()
	}
	r, ok := l.hj.Poll(cx)
	if !ok {
		return result{}, false
	}
	l.hj = nil
	return result{hj: r.Value, err: r.Err}, true
}
