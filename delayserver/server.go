package delayserver

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MaxDelay is the longest delay a request may ask for. It bounds how long
// one request can hold a connection and a goroutine, so that a typo in a
// test fails fast with 400 instead of parking the server for hours.
const MaxDelay = 60 * time.Second

// Server is a delayserver listening on a TCP address.
// Create one with Start and stop it with Close.
type Server struct {
	ln    net.Listener
	srv   *http.Server
	conns sync.WaitGroup // one count per accepted connection
	done  chan struct{}  // closed when the serve goroutine exits
	err   error          // why serving stopped early; read only after done
}

// Start listens on addr, a host:port such as "127.0.0.1:0" (port 0 picks a
// free port), and serves the delayserver protocol in a new goroutine.
// Log lines go to log; a nil log discards them.
// The caller must call Close to release the port and the goroutines.
func Start(addr string, log io.Writer) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("delayserver: listen on %q: %w", addr, err)
	}
	s := &Server{ln: ln, done: make(chan struct{})}
	s.srv = &http.Server{
		Handler: Handler(log),
		// A client that never finishes its headers must not hold a
		// connection forever; the delay starts only after them.
		ReadHeaderTimeout: 10 * time.Second,
		ConnState:         s.track,
	}
	go s.serve()
	return s, nil
}

func (s *Server) serve() {
	defer close(s.done)
	err := s.srv.Serve(s.ln)
	if !errors.Is(err, http.ErrServerClosed) {
		s.err = fmt.Errorf("delayserver: serve on %s: %w", s.Addr(), err)
	}
}

// track counts open connections so that Close can wait for their
// goroutines. net/http reports StateNew from the accept loop before Serve
// can return, and http.Server.Close waits for that loop, so every Add
// happens before Close calls Wait.
func (s *Server) track(_ net.Conn, state http.ConnState) {
	switch state {
	case http.StateNew:
		s.conns.Add(1)
	case http.StateClosed, http.StateHijacked:
		s.conns.Done()
	}
}

// Addr returns the host:port the server is bound to, with the port filled
// in when Start was asked for port 0.
func (s *Server) Addr() string {
	return s.ln.Addr().String()
}

// URL returns the server's base URL, "http://" followed by Addr.
func (s *Server) URL() string {
	return "http://" + s.Addr()
}

// Close stops the server. It closes the listener and every open
// connection, which cancels requests still waiting out their delay, and
// returns once the serve goroutine and every connection's goroutine have
// finished. Close may be called more than once.
func (s *Server) Close() error {
	err := s.srv.Close()
	<-s.done
	s.conns.Wait()
	if err != nil {
		return fmt.Errorf("delayserver: close %s: %w", s.Addr(), err)
	}
	return s.err
}

// Handler returns the delayserver protocol as an http.Handler, without a
// listener; Start serves it. Log lines go to log; a nil log discards them.
// Each handler numbers its requests from 1.
func Handler(log io.Writer) http.Handler {
	if log == nil {
		log = io.Discard
	}
	return &handler{log: log}
}

type handler struct {
	log io.Writer

	// mu serializes writes to log and guards n. Numbering under the same
	// lock as the write keeps the numbers in the log in ascending order,
	// which a bare atomic counter would not.
	mu sync.Mutex
	n  uint64
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Every response closes its connection, as the book's server does, so
	// that clients under test must cope with one request per connection.
	w.Header().Set("Connection", "close")
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		msg := fmt.Sprintf("method %q not allowed; only GET is", r.Method)
		http.Error(w, msg, http.StatusMethodNotAllowed)
		return
	}
	delay, msg, err := parsePath(r.URL.EscapedPath())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.logRequest(delay, msg)
	if !sleep(r, delay) {
		return // the client is gone; there is no one to answer
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(msg)))
	// A failed write means the connection is gone, so there is no one
	// left to report it to.
	io.WriteString(w, msg)
}

// logRequest numbers a valid request and writes its line to the log.
// Write errors are ignored: a broken log must not fail the requests it
// describes.
func (h *handler) logRequest(delay time.Duration, msg string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.n++
	fmt.Fprintf(h.log, "#%d - %dms: %s\n", h.n, delay.Milliseconds(), msg)
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

// parsePath splits an escaped path of the form /{delay_ms}/{message} into
// the delay and the unescaped message. The message is everything after the
// second slash and may contain slashes itself.
func parsePath(path string) (time.Duration, string, error) {
	rawDelay, rawMsg, found := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	delay, err := parseDelay(rawDelay)
	if err != nil {
		return 0, "", err
	}
	if !found || rawMsg == "" {
		return 0, "", fmt.Errorf("missing message after the delay in path %q", path)
	}
	// net/http already rejects requests with malformed escapes, and
	// EscapedPath re-escapes anything it cannot vouch for, but checking
	// here keeps the handler correct on its own.
	msg, err := url.PathUnescape(rawMsg)
	if err != nil {
		return 0, "", fmt.Errorf("invalid message %q: %v", rawMsg, err)
	}
	return delay, msg, nil
}

// parseDelay parses a delay in whole milliseconds, from 0 to MaxDelay.
func parseDelay(s string) (time.Duration, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) && strings.HasPrefix(s, "-"):
		n = -1 // too negative to represent, but negative all the same
	case errors.Is(err, strconv.ErrRange):
		n = MaxDelay.Milliseconds() + 1
	case err != nil:
		return 0, fmt.Errorf("invalid delay %q: not a whole number of milliseconds", s)
	}
	if n < 0 {
		return 0, fmt.Errorf("invalid delay %q: negative", s)
	}
	if n > MaxDelay.Milliseconds() {
		return 0, fmt.Errorf("invalid delay %q: above the cap of %dms", s, MaxDelay.Milliseconds())
	}
	return time.Duration(n) * time.Millisecond, nil
}
