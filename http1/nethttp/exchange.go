package nethttp

import (
	"errors"
	"net/http"
	"sync"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/http1"
)

// exchange is the state of one request that the event loop and the
// handler's goroutine share, and the future the connection's task polls.
// Exchanges are reused through the Adapter's free list, so a request
// allocates only what escapes to the handler (see request).
//
// # The hand-over
//
// The goroutine never touches the connection, the http1.Request or the
// http1.ResponseWriter: those belong to the loop. When the handler needs
// I/O (a body read, a response chunk to send, a flush, a hijack, the end
// of the response), the goroutine posts an op, wakes the loop's task and
// blocks on done; the loop's Poll takes the op, polls the native futures
// that do it (the goroutine's buffers are the futures' buffers, since the
// goroutine waits), stores the result in res and sends on done. One op is
// in flight at a time (opMu), so done never holds a stale token, and the
// loop never waits for the goroutine: it returns pending until an op comes.
//
//	goroutine: post op ─ wake loop task ─────────────────► block on done
//	loop:      Poll: take op ─ poll body Read / Write / Flush ─► res, done <-
//	goroutine: ◄──────────────────────────────────────── read res, go on
//
// The end of the response is an op the goroutine does not wait for: it
// posts the last buffered bytes and goes back to the pool.
//
// # Lifetime
//
// refs counts the sides using the exchange: the loop's from ServeHTTP1
// until its future is ready or cancelled, the goroutine's from its start
// until it posts the end. The side that drops the last gives the exchange
// back. gen tells a request's body and writer from the next one's, so a
// handler's stray goroutine that reads a body after the handler returned
// gets an error instead of another request's bytes.
type exchange struct {
	a   *Adapter
	run func() // x.serve, made once so that starting a goroutine allocates nothing

	// The request being served. Set by ServeHTTP1 and the first poll,
	// before the goroutine starts.
	w   *http1.ResponseWriter
	r   *http1.Request
	req *request

	loop loopState // only the connection's task touches it
	g    goState   // only the handler's goroutine touches it

	opMu sync.Mutex // held by the goroutine from posting an op to its result

	mu     sync.Mutex  // guards the fields below
	gen    uint64      // bumped each time the exchange is reused
	posted op          // the op the goroutine posted, not yet taken
	waker  async.Waker // the loop's task, while it waits for an op
	gone   error       // the loop's side ended; ops fail with this
	refs   int

	done chan struct{} // the loop's signal that an op is done; one slot
	res  result        // the op's result, written before done is signalled
}

// opKind is what the goroutine asks of the loop.
type opKind uint8

const (
	opNone   opKind = iota
	opRead          // read request body into a
	opWrite         // write a then b as response body, then flush if asked
	opHijack        // write a and flush, then hijack the connection
	opEnd           // write a; the handler returned (or panicked: abort)
)

// op is one request from the goroutine to the loop. The slices are the
// goroutine's, valid until the op's result (for opEnd, until the loop is
// done with the exchange).
type op struct {
	kind  opKind
	a, b  []byte
	flush bool

	// head is set on the first op that sends the response: the status
	// and the fields the handler set (see goState.snapshot).
	head   bool
	status int
	fields []field

	// abort ends the response as a panic does (opEnd): the server
	// answers abortStatus (none if 0) unless the head went out, and
	// closes the connection.
	abort       bool
	abortStatus int
}

// field is one response header line.
type field struct{ name, value string }

// result is what the loop answers an op with.
type result struct {
	n   int
	err error
	hj  http1.Hijacked
}

// Errors that end a request's I/O.
var (
	// errAborted: the server cut the connection (a timeout, a shutdown
	// whose grace ran out, a client gone, the executor closing).
	errAborted = errors.New("nethttp: the server aborted the request: the connection is closed")
	// errEnded: an op after the handler returned.
	errEnded = errors.New("nethttp: the handler returned")
)

func newExchange(a *Adapter) *exchange {
	x := &exchange{a: a, done: make(chan struct{}, 1)}
	x.run = x.serve
	x.g.buf = make([]byte, 0, bufSize)
	x.g.header = make(http.Header)
	return x
}

// reset prepares x for its next request; no side uses it.
func (x *exchange) reset() {
	x.w, x.r, x.req = nil, nil, nil
	x.loop = loopState{}
	x.g.reset()
	x.mu.Lock()
	x.gen++
	x.posted, x.waker, x.gone = op{}, nil, nil
	x.res = result{}
	x.mu.Unlock()
}

// call posts o for the request of generation gen and waits for the loop
// to do it. It runs on the handler's goroutines.
func (x *exchange) call(gen uint64, o op) result {
	x.opMu.Lock()
	defer x.opMu.Unlock()
	x.mu.Lock()
	switch {
	case x.gen != gen:
		x.mu.Unlock()
		return result{err: errEnded}
	case x.gone != nil:
		err := x.gone
		x.mu.Unlock()
		return result{err: err}
	}
	x.posted = o
	w := x.waker
	x.waker = nil
	x.mu.Unlock()
	// Woken outside the lock: on a multi-thread executor the wake may
	// run the task at once, and its Poll takes the lock.
	if w != nil {
		w.Wake()
	}
	<-x.done
	return x.res
}

// end posts the handler's last op, which nobody waits for, and drops the
// goroutine's reference. It runs on the handler's goroutine.
func (x *exchange) end(gen uint64, o op) {
	x.opMu.Lock() // a stray op of the handler's goroutines goes first
	x.mu.Lock()
	var w async.Waker
	if x.gen == gen && x.gone == nil {
		x.posted = o
		w, x.waker = x.waker, nil
	}
	x.refs--
	last := x.refs == 0
	x.mu.Unlock()
	x.opMu.Unlock()
	if w != nil {
		w.Wake()
	}
	if last {
		x.a.put(x)
	}
}

// take returns the op the goroutine posted, or stores the loop's waker
// and returns opNone.
func (x *exchange) take(w async.Waker) op {
	x.mu.Lock()
	o := x.posted
	if o.kind == opNone {
		x.waker = w
	} else {
		x.posted = op{}
	}
	x.mu.Unlock()
	return o
}

// complete hands the result of the op the loop took to the goroutine,
// and lets it run (see yield).
func (x *exchange) complete(r result) {
	x.res = r
	x.done <- struct{}{}
	yield()
}

// leave ends the loop's side: later ops fail with why; the goroutine, if
// it waits for an op (taken or not), gets why; and the loop's reference
// is dropped. inFlight says the loop took an op it did not complete.
func (x *exchange) leave(why error, inFlight op) {
	x.mu.Lock()
	x.gone = why
	x.waker = nil
	wake := inFlight.kind != opNone && inFlight.kind != opEnd
	if p := x.posted; p.kind != opNone && p.kind != opEnd {
		wake = true
	}
	x.posted = op{}
	x.refs--
	last := x.refs == 0
	x.mu.Unlock()
	if wake {
		x.complete(result{err: why})
	}
	if last {
		x.a.put(x)
	}
}
