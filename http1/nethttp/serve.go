package nethttp

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
)

// serve runs on a goroutine of the blocking pool: it calls the handler,
// then hands the end of the response to the loop and returns, without
// waiting for the loop to write it.
func (x *exchange) serve() {
	rq := x.req
	g := &x.g
	g.head = rq.hr.Method == http.MethodHead
	p, panicked := x.callHandler(rq)
	// As net/http's: the context ends with ServeHTTP, and so does the
	// body.
	rq.cancel(context.Canceled)
	rq.body.closed.Store(true)
	rq.rw.ended = true
	x.end(rq.gen, x.endOp(rq, p, panicked))
}

// callHandler calls the handler, recovering a panic. A panic is logged
// with its stack, except http.ErrAbortHandler, which net/http keeps quiet
// about too.
func (x *exchange) callHandler(rq *request) (p any, panicked bool) {
	defer func() {
		if p = recover(); p == nil {
			return
		}
		panicked = true
		if p == http.ErrAbortHandler {
			return
		}
		const size = 64 << 10
		buf := make([]byte, size)
		buf = buf[:runtime.Stack(buf, false)]
		x.a.logError(fmt.Errorf("nethttp: panic serving %s %s %s: %v\n%s", rq.hr.RemoteAddr, rq.hr.Method, rq.hr.RequestURI, p, buf))
	}()
	h := x.a.Handler
	if h == nil {
		h = http.DefaultServeMux
	}
	h.ServeHTTP(&rq.rw, rq.hr)
	return nil, false
}

// endOp is the op that ends the response: the bytes still buffered, and
// the head if no op carried it yet; or an abort.
func (x *exchange) endOp(rq *request, p any, panicked bool) op {
	g := &x.g
	switch {
	case g.hijacked:
		return op{} // the loop is gone already
	case panicked:
		// A panic before the head went out is answered 500, since the
		// client is owed an answer (net/http sends none); either way the
		// connection closes.
		status := http.StatusInternalServerError
		if p == http.ErrAbortHandler {
			status = 0
		}
		return op{kind: opEnd, abort: true, abortStatus: status}
	case g.broken != nil:
		return op{kind: opEnd}
	}
	if !g.wroteHeader {
		rq.rw.setStatus(http.StatusOK)
	}
	if g.status == http.StatusSwitchingProtocols {
		x.a.logError(fmt.Errorf("nethttp: %s %s: the handler set 101 Switching Protocols but did not hijack the connection", rq.hr.Method, rq.hr.RequestURI))
		return op{kind: opEnd, abort: true, abortStatus: http.StatusInternalServerError}
	}
	o := op{kind: opEnd, a: g.buf}
	if g.head && !g.headSent && g.declared < 0 {
		// The length a GET would have: the server cannot count a body
		// it never sees.
		g.fields = append(g.fields, field{"Content-Length", strconv.FormatInt(g.written, 10)})
	}
	g.addHead(&o)
	return o
}
