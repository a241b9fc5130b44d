package delayserver

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// This file is the NetHTTP implementation: net/http and the standard
// library only, nothing of the runtime.

// netHTTPServer serves the protocol with net/http, a goroutine per
// connection.
type netHTTPServer struct {
	ln    net.Listener
	srv   *http.Server
	conns sync.WaitGroup // one count per accepted connection
	done  chan struct{}  // closed when the serve goroutine exits
	err   error          // why serving stopped early; read only after done
}

// startNetHTTP listens on addr and serves on a new goroutine.
func startNetHTTP(addr string, log *requestLog) (*netHTTPServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("delayserver: listen on %q: %w", addr, err)
	}
	s := &netHTTPServer{ln: ln, done: make(chan struct{})}
	s.srv = &http.Server{
		Handler: &handler{log: log},
		// A client that never finishes its headers must not hold a
		// connection forever; the delay starts only after them.
		ReadHeaderTimeout: 10 * time.Second,
		ConnState:         s.track,
	}
	go s.serve()
	return s, nil
}

func (s *netHTTPServer) serve() {
	defer close(s.done)
	err := s.srv.Serve(s.ln)
	if !errors.Is(err, http.ErrServerClosed) {
		s.err = fmt.Errorf("delayserver: serve on %s: %w", s.ln.Addr(), err)
	}
}

// track counts open connections so that close can wait for their
// goroutines. net/http reports StateNew from the accept loop before Serve
// can return, and http.Server.Close waits for that loop, so every Add
// happens before close calls Wait.
func (s *netHTTPServer) track(_ net.Conn, state http.ConnState) {
	switch state {
	case http.StateNew:
		s.conns.Add(1)
	case http.StateClosed, http.StateHijacked:
		s.conns.Done()
	}
}

// close closes the listener and every connection, and waits for the
// serve goroutine and every connection's goroutine.
func (s *netHTTPServer) close() error {
	err := s.srv.Close()
	<-s.done
	s.conns.Wait()
	if err != nil {
		return fmt.Errorf("delayserver: close %s: %w", s.ln.Addr(), err)
	}
	return s.err
}

// Handler returns the delayserver protocol as an http.Handler, without a
// listener; Start with NetHTTP serves it. Log lines go to log; a nil
// log discards them. Each handler numbers its requests from 1.
//
// When the request's context ends during the delay (its client went
// away), the handler panics with http.ErrAbortHandler, which net/http's
// server takes as "close the connection, write nothing, log nothing".
func Handler(log io.Writer) http.Handler {
	return &handler{log: newRequestLog(log)}
}

type handler struct {
	log *requestLog
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Every response closes its connection, as the book's server does, so
	// that clients under test must cope with one request per connection.
	w.Header().Set("Connection", "close")
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, methodNotAllowed(r.Method), http.StatusMethodNotAllowed)
		return
	}
	delay, msg, err := parsePath(r.URL.EscapedPath())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.log.request(delay, msg)
	if !sleep(r, delay) {
		// The client is gone, or has half-closed its side. Returning
		// would make net/http finish the response with an empty 200,
		// which a half-closed client would read; this panic is
		// net/http's way to close the connection with nothing written.
		panic(http.ErrAbortHandler)
	}
	w.Header().Set("Content-Type", textPlain)
	w.Header().Set("Content-Length", strconv.Itoa(len(msg)))
	// A failed write means the connection is gone, so there is no one
	// left to report it to.
	io.WriteString(w, msg)
}

// sleep waits for d or until r's client goes away, whichever is first,
// and reports whether the full delay passed.
func sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}
