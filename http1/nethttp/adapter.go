package nethttp

import (
	"log"
	"net/http"
	"sync"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/http1"
)

// Handler returns an http1.Handler that runs h: each request's ServeHTTP
// on a goroutine of the executor's blocking pool, the connection on the
// event loop. It is &Adapter{Handler: h}; a nil h is
// http.DefaultServeMux.
func Handler(h http.Handler) http1.Handler { return &Adapter{Handler: h} }

// Adapter is an http1.Handler that runs a net/http Handler; see the
// package doc. Handler makes one with the defaults.
//
// An Adapter keeps a free list of the state its requests use, so it must
// not be copied after its first request. One Adapter may serve several
// Servers, on either executor.
type Adapter struct {
	// Handler answers the requests; nil means http.DefaultServeMux, as
	// for net/http's Server.
	Handler http.Handler

	// ErrorLog receives what the adapter cannot report to anyone else: a
	// handler that panicked (with its stack), a superfluous WriteHeader,
	// an invalid Content-Length set by the handler. Nil means the
	// standard logger (package log).
	ErrorLog func(err error)

	mu   sync.Mutex
	free []*exchange // idle exchanges, newest last
}

// maxFree bounds the idle exchanges an Adapter keeps: as many as requests
// in flight at once, within reason. Each holds a 4 KiB response buffer.
const maxFree = 1024

// ServeHTTP1 starts serving r with the net/http handler. The future it
// returns builds the *http.Request at its first poll, hands the handler
// to the blocking pool, and then does the socket I/O the handler asks
// for until the handler returns.
func (a *Adapter) ServeHTTP1(w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
	x := a.get()
	x.w, x.r = w, r
	return x
}

// get takes an idle exchange, or makes one.
func (a *Adapter) get() *exchange {
	a.mu.Lock()
	var x *exchange
	if n := len(a.free); n > 0 {
		x = a.free[n-1]
		a.free[n-1] = nil
		a.free = a.free[:n-1]
	}
	a.mu.Unlock()
	if x == nil {
		x = newExchange(a)
	}
	x.refs = 1 // the loop's; the goroutine takes its own when it starts
	return x
}

// put gives x back once neither side uses it.
func (a *Adapter) put(x *exchange) {
	x.reset()
	a.mu.Lock()
	if len(a.free) < maxFree {
		a.free = append(a.free, x)
	}
	a.mu.Unlock()
}

// logError reports err through ErrorLog.
func (a *Adapter) logError(err error) {
	if a.ErrorLog != nil {
		a.ErrorLog(err)
		return
	}
	log.Print(err)
}
