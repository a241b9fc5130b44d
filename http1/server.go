package http1

import (
	"errors"
	"fmt"
	"log"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
	"github.com/asyncgo/async/tcp"
)

// Handler answers one request. ServeHTTP1 writes the response through w
// and returns a future that is ready when the handler is done with the
// request: the server finishes the response then (its framing, any body
// left unread) and reads the next request of the connection.
//
// The handler's future runs inside the connection's task, polled by the
// server; it may await anything, and a handler that has nothing to await
// returns a future that is ready at once, such as w.Send's. Neither w nor
// r may be used after the future is ready: both are reused for the next
// request.
type Handler interface {
	ServeHTTP1(w *ResponseWriter, r *Request) async.Future[struct{}]
}

// HandlerFunc makes a function a Handler.
type HandlerFunc func(w *ResponseWriter, r *Request) async.Future[struct{}]

// ServeHTTP1 calls f(w, r).
func (f HandlerFunc) ServeHTTP1(w *ResponseWriter, r *Request) async.Future[struct{}] {
	return f(w, r)
}

// Server serves HTTP/1.1 on the async runtime: one task per connection,
// no goroutine, and the handler's future polled in that task.
//
// Every limit and timeout has a default, used where the field is zero;
// the defaults are written beside each field. A request over a limit is
// answered with its status (400, 408, 413, 414, 431, 501 or 505) and the
// connection is closed; no other connection is affected.
//
// The fields must not change once Serve is called. A Server may serve
// several listeners at once, on either executor.
type Server struct {
	// Handler answers the requests. It must not be nil.
	Handler Handler

	// MaxRequestLine bounds the request line; longer is a 414.
	// Default 8 KiB.
	MaxRequestLine int
	// MaxHeaderBytes bounds the whole request head; more is a 431.
	// Default 64 KiB.
	MaxHeaderBytes int
	// MaxHeaderFields bounds the number of field lines; more is a 431.
	// Default 100.
	MaxHeaderFields int
	// MaxBodyBytes bounds a request body; more is a 413. Default 10 MiB.
	MaxBodyBytes int64
	// MaxDrainBytes is the most of an unread request body the server
	// reads and discards after the handler, to keep the connection; a
	// longer rest closes it instead. Default 256 KiB.
	MaxDrainBytes int64

	// HeaderTimeout bounds the time from a request's first byte to the
	// end of its head: a client that trickles its head in (slowloris) is
	// answered 408 and closed. Default 10 s.
	HeaderTimeout time.Duration
	// BodyTimeout bounds the time from the end of a request's head to
	// the end of its body, while the handler reads it: a read past it
	// fails with a timeout error, and the connection is closed after the
	// handler (with 408 if the handler wrote nothing). Default 60 s.
	BodyTimeout time.Duration
	// IdleTimeout bounds the wait for the next request on a keep-alive
	// connection; the connection is then closed. Default 120 s.
	IdleTimeout time.Duration
	// WriteTimeout bounds each wait for the client to take the bytes of
	// a response (a flush that makes no progress); the connection is
	// then closed. Default 60 s.
	WriteTimeout time.Duration

	// ErrorLog receives what the server cannot report to anyone else: a
	// panicking handler, a handler that broke its response's framing.
	// Nil means the standard logger (package log).
	ErrorLog func(err error)

	once    sync.Once
	cfg     config
	pool    exchangePool
	date    dateCache
	mu      sync.Mutex // guards the fields below
	conns   connList
	lns     []*tcp.Listener
	done    async.Waker // the Shutdown waiting for the last connection
	closing atomic.Uint32
	cut     atomic.Int64 // connections closed mid-request when a shutdown's grace ran out
}

// The Server's closing states.
const (
	open     = iota
	draining // Shutdown: finish the requests in flight, then close
	closed   // Shutdown's grace ran out: close at once
)

// ErrServerClosed is what Serve returns after Shutdown.
var ErrServerClosed = errors.New("http1: server closed")

// config is a Server's fields with the defaults applied.
type config struct {
	head                      limits
	body                      bodyLimits
	drain                     int64
	header, bodyT, idle, wrtT int64 // timeouts in nanoseconds
}

func (s *Server) init() {
	s.once.Do(func() {
		if s.Handler == nil {
			panic("http1: Server.Handler is nil")
		}
		s.cfg.head = (&limits{
			startLine:   s.MaxRequestLine,
			headerBytes: s.MaxHeaderBytes,
			headerCount: s.MaxHeaderFields,
		}).orDefault()
		s.cfg.body = defaultBodyLimits()
		if s.MaxBodyBytes > 0 {
			s.cfg.body.body = s.MaxBodyBytes
		}
		s.cfg.drain = orDefault(s.MaxDrainBytes, 256<<10)
		s.cfg.header = int64(orDefault(s.HeaderTimeout, 10*time.Second))
		s.cfg.bodyT = int64(orDefault(s.BodyTimeout, 60*time.Second))
		s.cfg.idle = int64(orDefault(s.IdleTimeout, 120*time.Second))
		s.cfg.wrtT = int64(orDefault(s.WriteTimeout, 60*time.Second))
		s.pool.size = s.cfg.head.headerBytes
	})
}

func orDefault[T int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Serve returns a future that accepts connections on l and serves each
// on a task of its own until Shutdown, then is ready with ErrServerClosed;
// or it is ready with the error that stopped accepting (l closed by
// someone else). Running out of descriptors is waited out (see
// tcp.Listener.Accept). Connections outlive Serve: Shutdown ends them.
func (s *Server) Serve(l *tcp.Listener) async.Future[error] {
	s.init()
	s.mu.Lock()
	if s.closing.Load() != open {
		s.mu.Unlock()
		return async.Ready(ErrServerClosed)
	}
	s.lns = append(s.lns, l)
	s.mu.Unlock()
	return &serveFuture{s: s, l: l}
}

// ListenAndServe listens on addr ("host:port") and serves it; see Serve.
func (s *Server) ListenAndServe(addr string) async.Future[error] {
	l, err := tcp.Listen(addr)
	if err != nil {
		return async.Ready(err)
	}
	return s.Serve(l)
}

// serveFuture is Serve's accept loop. It spawns each connection's task
// itself, rather than through tcp.Serve, because a connection may outlive
// its task: a hijacked one belongs to the handler.
type serveFuture struct {
	s *Server
	l *tcp.Listener
}

func (f *serveFuture) Poll(cx *async.Context) (error, bool) {
	for {
		r, ok := f.l.Accept().Poll(cx)
		if !ok {
			return nil, false
		}
		if r.Err != nil {
			if f.s.closing.Load() != open && errors.Is(r.Err, net.ErrClosed) {
				return ErrServerClosed, true
			}
			return r.Err, true
		}
		async.Spawn[struct{}](cx, &serverConn{srv: f.s, c: r.Value}).Detach()
	}
}

// Cancel stops accepting; the listener stays open, and Shutdown closes it.
func (f *serveFuture) Cancel() { f.l.Accept().Cancel() }

// Shutdown returns a future that shuts the server down gracefully: it
// closes the listeners, so that Serve is ready with ErrServerClosed;
// closes the connections that wait for a request; lets those in the
// middle of one finish it (answering with Connection: close) and closes
// them; and is ready with nil once every connection is closed. If some
// are still serving after grace, it closes them and is ready with an
// error saying how many it cut off.
func (s *Server) Shutdown(grace time.Duration) async.Future[error] {
	s.init()
	return &shutdownFuture{s: s, grace: grace}
}

type shutdownFuture struct {
	s       *Server
	grace   time.Duration
	started bool
	timer   reactor.Timer
	r       *reactor.Reactor
	cutting bool // the grace ran out
}

func (f *shutdownFuture) Poll(cx *async.Context) (error, bool) {
	s := f.s
	if !f.started {
		f.started = true
		f.r = cx.Reactor()
		s.mu.Lock()
		s.closing.CompareAndSwap(open, draining)
		lns := s.lns
		s.lns = nil
		s.mu.Unlock()
		for _, l := range lns {
			l.Close()
		}
		s.wakeAll()
		if f.r.StartTimer(&f.timer, f.r.Now().Add(f.grace), cx.Waker()) {
			f.cutOff()
		}
	}
	s.mu.Lock()
	n := s.conns.n
	if n > 0 {
		s.done = cx.Waker()
	}
	s.mu.Unlock()
	if n == 0 {
		f.r.StopTimer(&f.timer)
		if cut := s.cut.Load(); cut > 0 {
			return fmt.Errorf("http1: shutdown's grace of %v ran out: closed %d connections in the middle of a request", f.grace, cut), true
		}
		return nil, true
	}
	if !f.cutting && f.r.PollTimer(&f.timer, cx.Waker()) {
		f.cutOff()
	}
	return nil, false
}

// cutOff tells the connections still open to close at once; those in the
// middle of a request count themselves in s.cut as they close.
func (f *shutdownFuture) cutOff() {
	f.cutting = true
	f.s.closing.Store(closed)
	f.s.wakeAll()
}

// Cancel stops waiting; the server goes on shutting down.
func (f *shutdownFuture) Cancel() {
	if f.r != nil {
		f.r.StopTimer(&f.timer)
	}
	f.s.mu.Lock()
	f.s.done = nil
	f.s.mu.Unlock()
}

// wakeAll wakes every connection's task to look at the closing state. The
// wakers are collected under the lock and woken after it, since a wake
// may run the task at once on another worker, and it takes the lock.
func (s *Server) wakeAll() {
	s.mu.Lock()
	ws := make([]async.Waker, 0, s.conns.n)
	for c := s.conns.head; c != nil; c = c.next {
		if c.waker != nil {
			ws = append(ws, c.waker)
		}
	}
	s.mu.Unlock()
	for _, w := range ws {
		w.Wake()
	}
}

// track adds c to the server's connections, with the waker to wake it by.
func (s *Server) track(c *serverConn, w async.Waker) {
	s.mu.Lock()
	c.waker = w
	s.conns.push(c)
	s.mu.Unlock()
}

// setWaker records the waker of c's task when it changes.
func (s *Server) setWaker(c *serverConn, w async.Waker) {
	s.mu.Lock()
	c.waker = w
	s.mu.Unlock()
}

// untrack removes c; the last connection of a shutdown wakes it.
func (s *Server) untrack(c *serverConn) {
	s.mu.Lock()
	s.conns.remove(c)
	var w async.Waker
	if s.conns.n == 0 && s.done != nil {
		w, s.done = s.done, nil
	}
	s.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// logf reports err through ErrorLog.
func (s *Server) logError(err error) {
	if s.ErrorLog != nil {
		s.ErrorLog(err)
		return
	}
	log.Print(err)
}

// connList is the server's open connections, a list through the
// connections themselves so that tracking one allocates nothing.
type connList struct {
	head *serverConn
	n    int
}

func (l *connList) push(c *serverConn) {
	c.next = l.head
	if l.head != nil {
		l.head.prev = c
	}
	l.head = c
	l.n++
}

func (l *connList) remove(c *serverConn) {
	if c.prev != nil {
		c.prev.next = c.next
	} else {
		l.head = c.next
	}
	if c.next != nil {
		c.next.prev = c.prev
	}
	c.prev, c.next = nil, nil
	l.n--
}
