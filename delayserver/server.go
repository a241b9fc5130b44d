package delayserver

import (
	"fmt"
	"io"
	"sync"
)

// Impl names an implementation of the protocol. Both serve it the same
// way to any client; they differ in what they are built on.
type Impl uint8

const (
	// NetHTTP serves with net/http, a goroutine per connection. It runs
	// no code of this module's runtime.
	NetHTTP Impl = iota
	// Async serves with the runtime's http1.Server, a task per
	// connection on a MultiThread executor with two workers.
	Async
)

// Impls returns every implementation, NetHTTP first, for a test to run
// against each.
func Impls() []Impl { return []Impl{NetHTTP, Async} }

// String returns the implementation's name: "nethttp" or "async".
func (i Impl) String() string {
	switch i {
	case NetHTTP:
		return "nethttp"
	case Async:
		return "async"
	}
	return fmt.Sprintf("Impl(%d)", uint8(i))
}

// ParseImpl returns the implementation named s, as String writes it.
func ParseImpl(s string) (Impl, error) {
	for _, i := range Impls() {
		if s == i.String() {
			return i, nil
		}
	}
	return 0, fmt.Errorf("delayserver: unknown implementation %q; want nethttp or async", s)
}

// Set sets i to the implementation named s, so that an Impl is a
// flag.Value.
func (i *Impl) Set(s string) error {
	v, err := ParseImpl(s)
	if err != nil {
		return err
	}
	*i = v
	return nil
}

// Server is a delayserver listening on a TCP address.
// Create one with Start and stop it with Close.
type Server struct {
	impl Impl
	addr string
	stop func() error // stops serving and waits; called once

	once sync.Once
	err  error // what stop returned
}

// Start listens on addr, a host:port such as "127.0.0.1:0" (port 0
// picks a free port), and serves the delayserver protocol with impl, in
// new goroutines. Log lines go to log; a nil log discards them. The
// caller must call Close to release the port and the goroutines.
//
// The Async implementation listens with package tcp, which looks no
// names up: its host must be an IP address, "localhost" or empty (every
// IPv4 address).
func Start(impl Impl, addr string, log io.Writer) (*Server, error) {
	l := newRequestLog(log)
	switch impl {
	case NetHTTP:
		s, err := startNetHTTP(addr, l)
		if err != nil {
			return nil, err
		}
		return &Server{impl: impl, addr: s.ln.Addr().String(), stop: s.close}, nil
	case Async:
		s, err := startAsync(addr, l)
		if err != nil {
			return nil, err
		}
		return &Server{impl: impl, addr: s.addr, stop: s.close}, nil
	}
	return nil, fmt.Errorf("delayserver: start on %q: unknown implementation %v", addr, impl)
}

// Impl returns the implementation that serves.
func (s *Server) Impl() Impl { return s.impl }

// Addr returns the host:port the server is bound to, with the port filled
// in when it was asked for port 0.
func (s *Server) Addr() string { return s.addr }

// URL returns the server's base URL, "http://" followed by Addr.
func (s *Server) URL() string { return "http://" + s.addr }

// Close stops the server. It closes the listener and every open
// connection, which cancels requests still waiting out their delay, and
// returns once every goroutine the server started has finished: for
// NetHTTP the serve goroutine and every connection's, for Async the
// executor's. Close may be called more than once; each call returns the
// first one's result.
func (s *Server) Close() error {
	s.once.Do(func() { s.err = s.stop() })
	return s.err
}
