package nethttp

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/oneshot"
	"github.com/asyncgo/async/tcp"
)

// testServer is an http1.Server running a net/http handler through an
// Adapter, on an executor of its own on a goroutine.
type testServer struct {
	addr   string
	url    string
	srv    *http1.Server
	ad     *Adapter
	logs   *logBook
	client *http.Client
	stop   *oneshot.Sender[time.Duration]
	done   chan error // what Serve's future or Shutdown returned
}

// startServer serves h on 127.0.0.1 with executor x until the test ends,
// then shuts the server down with a grace of a second and checks that it
// stopped cleanly. The adapter's errors go to ts.logs.
func startServer(t testing.TB, x rttest.Executor, h http.Handler) *testServer {
	t.Helper()
	return startAdapter(t, x, &Adapter{Handler: h}, &http1.Server{})
}

// startAdapter is startServer with a given adapter and server, whose
// Handler and ErrorLogs it sets.
func startAdapter(t testing.TB, x rttest.Executor, ad *Adapter, srv *http1.Server) *testServer {
	t.Helper()
	logs := &logBook{}
	ad.ErrorLog = logs.add
	srv.Handler = ad
	ts := startLogged(t, x, srv, logs)
	ts.ad = ad
	return ts
}

// startNative serves srv, whose Handler is set, as startServer does.
func startNative(t testing.TB, x rttest.Executor, srv *http1.Server) *testServer {
	t.Helper()
	return startLogged(t, x, srv, &logBook{})
}

// startLogged serves srv, logging its errors to logs.
func startLogged(t testing.TB, x rttest.Executor, srv *http1.Server, logs *logBook) *testServer {
	t.Helper()
	l, err := tcp.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.ErrorLog = logs.add
	tx, rx := oneshot.New[time.Duration]()
	tr := &http.Transport{MaxIdleConnsPerHost: 100}
	ts := &testServer{
		addr: l.Addr().String(), srv: srv, logs: logs, stop: tx,
		client: &http.Client{Transport: tr, Timeout: 30 * time.Second},
		done:   make(chan error, 1),
	}
	ts.url = "http://" + ts.addr
	go func() {
		err, runErr := executor.Run(async.Go(func(co *async.Co) error {
			r := async.Await(co, async.Select2(srv.Serve(l), rx))
			if r.Index == 0 {
				return r.V1
			}
			return async.Await(co, srv.Shutdown(r.V2.Value))
		}), x.Options...)
		ts.done <- errors.Join(err, runErr)
	}()
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		if err := ts.shutdown(t, time.Second); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return ts
}

// shutdown shuts the server down with grace and returns what Shutdown
// returned; a second call returns nil.
func (ts *testServer) shutdown(t testing.TB, grace time.Duration) error {
	t.Helper()
	if ts.stop == nil {
		return nil
	}
	ts.stop.Send(grace)
	ts.stop = nil
	select {
	case err := <-ts.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("the server did not shut down")
		return nil
	}
}

// logBook collects the errors the adapter and the server log.
type logBook struct {
	mu   sync.Mutex
	errs []error
}

func (b *logBook) add(err error) {
	b.mu.Lock()
	b.errs = append(b.errs, err)
	b.mu.Unlock()
}

// String returns the errors logged so far, one a line.
func (b *logBook) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var s strings.Builder
	for _, err := range b.errs {
		fmt.Fprintln(&s, err)
	}
	return s.String()
}

// within waits for ch, failing the test after a generous bound.
func within[T any](t testing.TB, what string, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(20 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}
