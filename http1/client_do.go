package http1

import (
	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/reactor"
)

// doFuture is the state machine of Client.Do: get a connection, exchange
// the request for a response head, then perhaps retry on a new
// connection, or follow a redirect and start again; all under the
// Client's Timeout, if it has one.
type doFuture struct {
	c       *Client
	req     *ClientRequest   // the request being made: Do's, or a redirect's
	via     []*ClientRequest // the requests made before req, oldest first
	t       clientTarget
	body    aio.Reader // req's body for this attempt
	retried bool       // req was sent again on a new connection once
	st      doState
	acq     connAcquire
	cc      *clientConn // the connection of the exchange
	x       roundTrip

	// The Timeout's timer, armed at the first poll on tr's wheel.
	tr    *reactor.Reactor
	timer reactor.Timer
}

type doState uint8

const (
	doStart    doState = iota
	doAcquire          // waiting for a connection
	doExchange         // sending the request, reading the response head
	doDone             // ready, or cancelled
)

// Poll makes progress and then, if the request is still under way, looks
// at the timer.
func (f *doFuture) Poll(cx *async.Context) (async.Result[*Response], bool) {
	if f.st == doDone {
		panic("http1: Do future polled after it was ready")
	}
	if f.st == doStart {
		if err := f.begin(cx); err != nil {
			return f.fail(f.req, "request", err), true
		}
	}
	if res, ok := f.step(cx); ok {
		return res, true
	}
	if f.tr != nil && f.tr.PollTimer(&f.timer, cx.Waker()) {
		op := f.stepName()
		f.abandon()
		return f.fail(f.req, op, &clientTimeout{what: "request timeout", d: f.c.Timeout}), true
	}
	return async.Result[*Response]{}, false
}

// begin checks the request and arms the timer.
func (f *doFuture) begin(cx *async.Context) error {
	if f.req == nil {
		return errNilRequest
	}
	if err := f.prepare(f.req); err != nil {
		return err
	}
	if r := cx.Reactor(); f.c.Timeout > 0 && r != nil {
		// A timeout so short that it has passed already arms nothing,
		// and PollTimer reports the unarmed timer as fired. (Without a
		// reactor, the connect fails and says why.)
		f.tr = r
		f.tr.StartTimer(&f.timer, f.tr.Now().Add(f.c.Timeout), cx.Waker())
	}
	return nil
}

// prepare makes req the request to send and starts getting it a
// connection, or says why req cannot be sent.
func (f *doFuture) prepare(req *ClientRequest) error {
	f.req = req
	t, err := targetOf(req)
	if err != nil {
		return err
	}
	f.t = t
	f.body = req.Body
	f.retried = false
	f.acq.start(f.c, t.addr, false)
	f.st = doAcquire
	return nil
}

// step drives the request through its states until it is ready or must
// wait.
func (f *doFuture) step(cx *async.Context) (async.Result[*Response], bool) {
	for {
		switch f.st {
		case doAcquire:
			cc, err, ok := f.acq.poll(cx)
			if !ok {
				return async.Result[*Response]{}, false
			}
			if err != nil {
				return f.fail(f.req, "connect", err), true
			}
			f.cc = cc
			f.x.start(cc, f.req, &f.t, f.body, f.c.headLimits(), f.c.oneShot)
			f.st = doExchange
		case doExchange:
			if !f.x.poll(cx) {
				return async.Result[*Response]{}, false
			}
			if !f.x.headDone {
				if res, ok := f.failed(); ok {
					return res, true
				}
				continue
			}
			if res, ok := f.answered(); ok {
				return res, true
			}
		}
	}
}

// failed handles an exchange that failed: it retries once on a new
// connection a request that found its pooled connection closed, and
// fails otherwise. ok is false when it retries.
func (f *doFuture) failed() (res async.Result[*Response], ok bool) {
	cc, x := f.cc, &f.x
	f.cc = nil
	x.cancel()
	stale := cc.reused && !f.retried && x.retryable()
	cc.pool.release(cc, false)
	if !stale {
		op, err := x.err()
		return f.fail(f.req, op, err), true
	}
	if x.body != nil && x.touched {
		body, err := f.req.GetBody()
		if err != nil {
			return f.fail(f.req, "read request body", err), true
		}
		f.body = body
	}
	f.retried = true
	f.acq.start(f.c, f.t.addr, true)
	f.st = doAcquire
	return res, false
}

// answered handles a final response head: it returns the response, or
// follows the redirect it asks for. ok is false when it follows one.
func (f *doFuture) answered() (async.Result[*Response], bool) {
	x := &f.x
	keep := !f.c.oneShot && x.sentAll() && !wantsClose(&f.req.Header)
	f.cc = nil
	resp := newResponse(x, keep)
	next, via, err := f.redirect(resp)
	switch {
	case err == ErrUseLastResponse || err == nil && next == nil:
		return f.finish(async.Ok(resp)), true
	case err != nil:
		resp.Body.Close()
		return f.fail(f.req, "redirect", err), true
	}
	resp.Body.Close()
	f.via = via
	if err := f.prepare(next); err != nil {
		return f.fail(next, "redirect", err), true
	}
	return async.Result[*Response]{}, false
}

// stepName names the step under way, for the error of a timeout.
func (f *doFuture) stepName() string {
	switch {
	case f.st == doAcquire && f.acq.st == acqDialing:
		return "connect"
	case f.st == doAcquire:
		return "wait for a connection"
	case !f.x.sentAll():
		return "write request"
	}
	return "read response head"
}

// abandon gives up the request under way: the connection, if it has one,
// is closed mid-exchange; a place in line or room to dial is given back.
func (f *doFuture) abandon() {
	switch f.st {
	case doAcquire:
		f.acq.cancel()
	case doExchange:
		f.x.cancel()
		cc := f.cc
		f.cc = nil
		cc.pool.release(cc, false)
	}
}

// fail makes the result of req failing at op with err.
func (f *doFuture) fail(req *ClientRequest, op string, err error) async.Result[*Response] {
	return f.finish(async.Err[*Response](newError(req, op, err)))
}

// finish stops the timer and drops what the future held.
func (f *doFuture) finish(res async.Result[*Response]) async.Result[*Response] {
	if f.tr != nil {
		f.tr.StopTimer(&f.timer)
		f.tr = nil
	}
	f.st = doDone
	f.x = roundTrip{}
	f.body, f.via = nil, nil
	return res
}

// Cancel abandons the request and stops the timer.
func (f *doFuture) Cancel() {
	if f.st == doDone {
		return
	}
	f.abandon()
	f.finish(async.Result[*Response]{})
}
