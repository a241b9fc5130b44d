package http1

import (
	"sync"
	"time"

	"github.com/asyncgo/async"
)

// The defaults of the Client's settings.
const (
	// DefaultMaxIdlePerHost is how many idle connections a Client keeps
	// per host when MaxIdlePerHost is 0: enough for a few requests at a
	// time to a host to find a connection ready (net/http keeps 2).
	DefaultMaxIdlePerHost = 4
	// DefaultIdleTimeout is how long a connection may sit idle when
	// IdleTimeout is 0: net/http's, and longer than most servers keep an
	// idle connection open, so the server usually closes first.
	DefaultIdleTimeout = 90 * time.Second
	// DefaultConnectTimeout bounds the name lookup and the TCP handshake
	// when ConnectTimeout is 0: net/http's dialer's.
	DefaultConnectTimeout = 30 * time.Second
	// DefaultMaxResponseHeaderBytes bounds a response head when
	// MaxResponseHeaderBytes is 0: the parser's limit for a request head,
	// for which the limits type gives its reasons.
	DefaultMaxResponseHeaderBytes = 64 << 10
)

// Client is an HTTP/1.1 client with a pool of keep-alive connections per
// host. The zero Client is ready to use with the defaults. A Client is
// safe for use by many tasks at once, on either executor; its fields must
// not change, and it must not be copied, once it is in use.
//
// Only http URLs are served. HTTPS is out of scope here: a program that
// needs it today connects with tcp.Connect, wraps the connection with
// bridge.NetConn and crypto/tls's tls.Client, and speaks HTTP over that
// from a goroutine (net/http's Transport does, given a DialTLSContext
// that returns it). An https URL fails with an error saying so.
type Client struct {
	// MaxIdlePerHost is how many idle connections are kept per host
	// ("host:port"); 0 means DefaultMaxIdlePerHost, and a negative value
	// keeps none: each connection is closed after its response.
	MaxIdlePerHost int

	// MaxPerHost bounds the connections open at once per host, busy,
	// idle or being dialled; 0 means no bound. A request that finds that
	// many open waits, in the order requests came, until one is released
	// or closes.
	MaxPerHost int

	// IdleTimeout is how long an idle connection is kept before it is
	// closed; 0 means DefaultIdleTimeout, and a negative value closes a
	// connection as soon as it is idle. It is timed by the clock of the
	// executor that runs the connection's task.
	IdleTimeout time.Duration

	// ConnectTimeout bounds the name lookup and the handshake of a new
	// connection; 0 means DefaultConnectTimeout.
	ConnectTimeout time.Duration

	// Timeout bounds a request from the first poll of Do to the end of
	// the response head, redirects included: waiting for a connection,
	// connecting, sending the request and its body, and waiting for the
	// answer. 0 means no bound.
	//
	// Unlike net/http's Client.Timeout, it does not cover reading the
	// body. The body is a stream read at its reader's pace, and a large
	// download or a long-lived stream (server-sent events) may rightly
	// take longer than any bound on the answer; bound each Read with
	// timer.Timeout, or the whole body with timer.Deadline, where that is
	// wanted.
	Timeout time.Duration

	// CheckRedirect is the redirect policy. nil means redirects are not
	// followed: Do returns the 3xx response. Otherwise it is called before
	// each redirect is followed, with the request about to be made and
	// those made so far, oldest first; an error stops there and Do fails
	// with it, except ErrUseLastResponse, with which Do returns the 3xx
	// response. FollowRedirects(n) is the usual policy.
	CheckRedirect func(req *ClientRequest, via []*ClientRequest) error

	// MaxResponseHeaderBytes bounds a response head, status line and
	// fields; 0 means DefaultMaxResponseHeaderBytes.
	MaxResponseHeaderBytes int

	// oneShot: each request on a connection of its own, closed after it
	// (the package-level Get).
	oneShot bool

	mu    sync.Mutex
	hosts map[string]*hostPool // guarded by mu
}

// Do returns a future that sends req and is ready with the response once
// its head has arrived, or with an *Error naming the request and the step
// that failed. The response's Body must be read to its end or closed:
// until then its connection is busy.
//
// A request whose pooled connection turns out to have been closed by the
// server while idle (nothing of a response arrived) is sent once more on
// a new connection, if it had no body or its body can be sent again
// (unread yet, or GetBody set for an idempotent method).
//
// Cancelling the future (a lost Select, a timeout, an aborted task) gives
// back its place in line or closes the connection it was using: nothing
// is left behind. Do may be called from any task; req must not be changed
// until the future is ready.
func (c *Client) Do(req *ClientRequest) async.Future[async.Result[*Response]] {
	f := &doFuture{c: c, req: req}
	return f
}

// Get returns a future that fetches url with a GET request; see Do.
func (c *Client) Get(url string) async.Future[async.Result[*Response]] {
	req, err := NewRequest("GET", url, nil)
	if err != nil {
		return async.Ready(async.Err[*Response](err))
	}
	return c.Do(req)
}

// CloseIdle closes the idle connections of every host. Connections in
// use are not affected; they are closed, or kept, as their responses end.
// A program that is done with a Client calls it to close its sockets
// without waiting for IdleTimeout.
func (c *Client) CloseIdle() {
	var free poolFree
	c.mu.Lock()
	for _, hp := range c.hosts {
		hp.closeIdle(&free)
		hp.forgetIfUnused()
	}
	c.mu.Unlock()
	free.run()
}

// Get returns a future that fetches url with a GET request on a
// connection of its own, which is closed once the response body has been
// read or closed. The package keeps no pool, since it keeps no state: a
// program making more than one request makes a Client.
func Get(url string) async.Future[async.Result[*Response]] {
	c := &Client{oneShot: true}
	return c.Get(url)
}

// maxIdle is MaxIdlePerHost or its default; 0 for none.
func (c *Client) maxIdle() int {
	switch {
	case c.oneShot || c.MaxIdlePerHost < 0:
		return 0
	case c.MaxIdlePerHost == 0:
		return DefaultMaxIdlePerHost
	}
	return c.MaxIdlePerHost
}

// idleTimeout is IdleTimeout or its default.
func (c *Client) idleTimeout() time.Duration {
	if c.IdleTimeout == 0 {
		return DefaultIdleTimeout
	}
	return c.IdleTimeout
}

// headLimits are the limits a response head is parsed under.
func (c *Client) headLimits() limits {
	l := limits{headerBytes: c.MaxResponseHeaderBytes}
	if l.headerBytes <= 0 {
		l.headerBytes = DefaultMaxResponseHeaderBytes
	}
	return l.orDefault()
}
