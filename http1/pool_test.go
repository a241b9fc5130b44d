package http1

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// clWaiters returns how many requests wait for a connection to addr.
func clWaiters(c *Client, addr string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	if hp := c.hosts[addr]; hp != nil {
		for w := hp.wait.front; w != nil; w = w.next {
			n++
		}
	}
	return n
}

// clUntil awaits, polling every millisecond, until cond holds; it gives
// up after ten seconds.
func clUntil(co *async.Co, what string, cond func() bool) error {
	for i := 0; !cond(); i++ {
		if i == 10000 {
			return fmt.Errorf("timed out waiting until %s", what)
		}
		async.Await(co, timer.Sleep(time.Millisecond))
	}
	return nil
}

// clBlock awaits the close of ch on the blocking pool.
func clBlock(co *async.Co, ch <-chan struct{}) {
	async.Await(co, async.SpawnBlocking(co.Context(), func() struct{} { <-ch; return struct{}{} }))
}

// With MaxPerHost 1, requests wait for the one connection in the order
// they came, and all go over it.
func TestClientMaxPerHostWaitsInOrder(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		var mu sync.Mutex
		var order []string
		arrived := make(chan struct{}, 10)
		release := make(chan struct{})
		srv := clStart(t, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			order = append(order, r.URL.Path)
			mu.Unlock()
			arrived <- struct{}{}
			if r.URL.Path == "/1" {
				<-release
			}
			io.WriteString(w, r.URL.Path)
		})
		addr := srv.Listener.Addr().String()
		c := Client{MaxPerHost: 1}
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			get := func(path string) async.JoinHandle[error] {
				return async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
					_, body, err := clGetString(co, &c, srv.URL+path)
					if err == nil && body != path {
						err = fmt.Errorf("%s: body %q", path, body)
					}
					return err
				}))
			}
			first := get("/1")
			clBlock(co, onceFrom(arrived))
			var rest []async.JoinHandle[error]
			for i := 2; i <= 5; i++ {
				rest = append(rest, get(fmt.Sprintf("/%d", i)))
				if err := clUntil(co, "the request waits", func() bool { return clWaiters(&c, addr) == i-1 }); err != nil {
					return err
				}
			}
			if n := clOpen(&c, addr); n != 1 {
				return fmt.Errorf("%d connections open, want MaxPerHost's 1", n)
			}
			close(release)
			for _, h := range append([]async.JoinHandle[error]{first}, rest...) {
				if r := async.Await(co, h); r.Err != nil || r.Value != nil {
					return fmt.Errorf("request: %v, %v", r.Err, r.Value)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if got := strings.Join(order, " "); got != "/1 /2 /3 /4 /5" {
				return fmt.Errorf("server saw %s, want the order of the requests", got)
			}
			if n := srv.accepted.Load(); n != 1 {
				return fmt.Errorf("server accepted %d connections, want 1", n)
			}
			return nil
		})
	})
}

// onceFrom returns a channel closed once ch has delivered a value.
func onceFrom(ch <-chan struct{}) <-chan struct{} {
	done := make(chan struct{})
	go func() { <-ch; close(done) }()
	return done
}

// Of five connections that finish at once, MaxIdlePerHost are kept and
// the rest closed.
func TestClientMaxIdlePerHost(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		var barrier sync.WaitGroup
		barrier.Add(5)
		srv := clStart(t, func(w http.ResponseWriter, r *http.Request) {
			barrier.Done()
			barrier.Wait() // all five connections are open at once
			io.WriteString(w, "ok")
		})
		addr := srv.Listener.Addr().String()
		c := Client{MaxIdlePerHost: 2}
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			var tasks []async.JoinHandle[error]
			for range 5 {
				tasks = append(tasks, async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
					_, _, err := clGetString(co, &c, srv.URL)
					return err
				})))
			}
			for _, h := range tasks {
				if r := async.Await(co, h); r.Err != nil || r.Value != nil {
					return fmt.Errorf("request: %v, %v", r.Err, r.Value)
				}
			}
			if idle, open := clIdle(&c, addr), clOpen(&c, addr); idle != 2 || open != 2 {
				return fmt.Errorf("%d idle and %d open connections, want 2 and 2", idle, open)
			}
			return clUntil(co, "the server saw 3 connections closed", func() bool { return srv.closed.Load() == 3 })
		})
		if n := srv.accepted.Load(); n != 5 {
			t.Errorf("server accepted %d connections, want 5", n)
		}
	})
}

// An idle connection is closed after IdleTimeout (the default, on the
// paused clock), and the next request dials a new one.
func TestClientIdleTimeout(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		srv := clStart(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
		addr := srv.Listener.Addr().String()
		var c Client
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			if _, _, err := clGetString(co, &c, srv.URL); err != nil {
				return err
			}
			async.Await(co, timer.Sleep(DefaultIdleTimeout-time.Second))
			if n := clIdle(&c, addr); n != 1 {
				return fmt.Errorf("%d idle connections before the timeout, want 1", n)
			}
			async.Await(co, timer.Sleep(2*time.Second))
			if n := clOpen(&c, addr); n != 0 {
				return fmt.Errorf("%d connections open after the idle timeout, want 0", n)
			}
			if _, _, err := clGetString(co, &c, srv.URL); err != nil {
				return err
			}
			if n := srv.accepted.Load(); n != 2 {
				return fmt.Errorf("server accepted %d connections, want 2", n)
			}
			return nil
		}, executor.WithPausedClock())
	})
}

// A pooled connection that the server closes when the next request
// arrives, without a byte of answer, fails nothing: the request is sent
// again on a new connection, once. One the server closed while it sat
// idle is not used at all.
func TestClientStaleConnectionRetried(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		var bodies sync.Map
		closedIdle := make(chan struct{})
		srv := clRaw(t, func(c net.Conn) {
			defer c.Close()
			for i := 0; ; i++ {
				head, err := clReadHead(c)
				if err != nil {
					return
				}
				if i == 1 {
					return // the keep-alive race: closed as the request came
				}
				path := strings.Fields(head)[1]
				if strings.Contains(head, "Content-Length: 4") {
					b := make([]byte, 4)
					io.ReadFull(c, b)
					bodies.Store(path, string(b))
				}
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
				if path == "/close-idle" {
					close(closedIdle)
					return
				}
			}
		})
		var c Client
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			for _, path := range []string{"/a", "/b"} {
				if _, body, err := clGetString(co, &c, srv.URL(path)); err != nil || body != "ok" {
					return fmt.Errorf("GET %s: %q, %v", path, body, err)
				}
			}
			if n := srv.accepted.Load(); n != 2 {
				return fmt.Errorf("server accepted %d connections, want 2: one retry", n)
			}
			// An idempotent request with a body that can be read again.
			req, _ := NewRequest("PUT", srv.URL("/put"), StringBody("data"))
			resp, err := async.Await(co, c.Do(req)).Get()
			if err != nil {
				return err
			}
			clReadAll(co, resp.Body)
			if b, _ := bodies.Load("/put"); b != "data" || srv.accepted.Load() != 3 {
				return fmt.Errorf("PUT retried: server read %q, accepted %d connections", b, srv.accepted.Load())
			}
			// A POST whose body was sent is not sent twice.
			req, _ = NewRequest("POST", srv.URL("/post"), StringBody("data"))
			before := srv.accepted.Load()
			_, err = async.Await(co, c.Do(req)).Get()
			if err == nil || !strings.Contains(err.Error(), "POST "+srv.URL("/post")+": ") {
				return fmt.Errorf("POST on a stale connection: %v, want an error naming it", err)
			}
			if _, ok := bodies.Load("/post"); ok || srv.accepted.Load() != before {
				return fmt.Errorf("POST was sent again")
			}
			// Closed while idle: seen before the request is sent.
			if _, _, err := clGetString(co, &c, srv.URL("/close-idle")); err != nil {
				return err
			}
			clBlock(co, closedIdle)
			before = srv.accepted.Load()
			if _, body, err := clGetString(co, &c, srv.URL("/after")); err != nil || body != "ok" {
				return fmt.Errorf("GET after an idle close: %q, %v", body, err)
			}
			if n := srv.accepted.Load() - before; n != 1 {
				return fmt.Errorf("%d new connections after an idle close, want 1", n)
			}
			return nil
		})
	})
}

// One Client used by tasks of two executors at once: each reuses only the
// connections of its own reactor, and under MaxPerHost 1 they take turns
// with the one connection allowed, closing the other's idle one.
func TestClientTwoExecutors(t *testing.T) {
	clCheckFDs(t)
	srv := clStart(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	addr := srv.Listener.Addr().String()
	c := Client{MaxPerHost: 1}
	defer c.CloseIdle()
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, x := range rttest.Executors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err, runErr := executor.Run(async.Go(func(co *async.Co) error {
				for range 20 {
					if _, body, err := clGetString(co, &c, srv.URL); err != nil || body != "ok" {
						return fmt.Errorf("%s: %q, %v", x.Name, body, err)
					}
					if n := clOpen(&c, addr); n > 1 {
						return fmt.Errorf("%d connections open, MaxPerHost is 1", n)
					}
				}
				return nil
			}), x.Options...)
			if runErr != nil {
				err = runErr
			}
			errs <- err
		}()
	}
	wg.Wait()
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	// The executors are gone; their last idle connection is the pool's
	// until CloseIdle.
	if n := clIdle(&c, addr); n != 1 {
		t.Errorf("%d idle connections, want 1", n)
	}
	c.CloseIdle()
	if n := clOpen(&c, addr); n != 0 {
		t.Errorf("%d connections open after CloseIdle, want 0", n)
	}
}
