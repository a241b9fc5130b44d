package nethttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/async/internal/rttest"
)

// TestContextClientGone checks that a handler waiting on something other
// than its client learns from its context that the client went away.
func TestContextClientGone(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		started := make(chan struct{}, 2)
		causes := make(chan error, 2)
		ts := startServer(t, x, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			started <- struct{}{}
			select {
			case <-r.Context().Done():
				causes <- context.Cause(r.Context())
			case <-time.After(20 * time.Second):
				causes <- errors.New("the context was not cancelled")
			}
		}))
		// Go's client, cancelling its request.
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "POST", ts.url+"/wait", strings.NewReader("a body"))
		errc := make(chan error, 1)
		go func() {
			_, err := ts.client.Do(req)
			errc <- err
		}()
		within(t, "the handler", started)
		cancel()
		if err := within(t, "the client", errc); !errors.Is(err, context.Canceled) {
			t.Errorf("the client's Do: %v", err)
		}
		if cause := within(t, "the handler's context", causes); !errors.Is(cause, errAborted) {
			t.Errorf("cause %v; want the server's abort", cause)
		}

		// A raw client that closes its socket.
		c := dialRaw(t, ts.addr)
		c.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
		within(t, "the handler", started)
		c.Close()
		if cause := within(t, "the handler's context", causes); !errors.Is(cause, errAborted) {
			t.Errorf("cause %v; want the server's abort", cause)
		}
	})
}

// TestContextShutdown checks that a shutdown whose grace runs out
// cancels the context of a handler still running, and that one which
// finishes in time is answered.
func TestContextShutdown(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		started := make(chan string, 2)
		release := make(chan struct{})
		ts := startServer(t, x, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			started <- r.URL.Path
			if r.URL.Path == "/quick" {
				<-release
				io.WriteString(w, "done in time")
				return
			}
			<-r.Context().Done()
		}))
		type answer struct {
			body string
			err  error
		}
		answers := make(chan answer, 2)
		for _, p := range []string{"/quick", "/stuck"} {
			go func() {
				resp, err := ts.client.Get(ts.url + p)
				if err != nil {
					answers <- answer{p, err}
					return
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				answers <- answer{p + " " + string(b), err}
			}()
		}
		within(t, "the handlers", started)
		within(t, "the handlers", started)
		shut := make(chan error, 1)
		go func() { shut <- ts.shutdown(t, time.Second) }()
		// Once the listener is closed the shutdown has begun: the quick
		// handler then finishes within the grace, the stuck one cannot.
		for {
			c, err := net.Dial("tcp", ts.addr)
			if err != nil {
				break
			}
			c.Close()
			time.Sleep(time.Millisecond)
		}
		close(release)
		if err := within(t, "the shutdown", shut); err == nil {
			t.Errorf("Shutdown: nil; want it to report the connection it cut")
		}
		got := map[string]bool{}
		for range 2 {
			a := within(t, "the clients", answers)
			got[fmt.Sprintf("%s %v", a.body, a.err != nil)] = true
		}
		if !got["/quick done in time false"] || len(got) != 2 {
			t.Errorf("the clients got %v", got)
		}
	})
}

// TestManyClients runs 50 clients at once, each making requests with
// bodies on its own connections.
func TestManyClients(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, stamp(itemsMux()))
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range 20 {
					path := fmt.Sprintf("/items/%d-%d", i, j)
					req, _ := http.NewRequest("GET", ts.url+path, nil)
					if j%2 == 1 {
						req, _ = http.NewRequest("POST", ts.url+"/items", strings.NewReader(path))
					}
					resp, err := ts.client.Do(req)
					if err != nil {
						t.Errorf("%s: %v", path, err)
						return
					}
					b, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					want := fmt.Sprintf("item %d-%d (pattern", i, j)
					if j%2 == 1 {
						want = fmt.Sprintf("created from %q", path)
					}
					if err != nil || !strings.HasPrefix(string(b), want) || resp.Header.Get("X-Served-By") != "nethttp" {
						t.Errorf("%s: %q, %v", path, b, err)
						return
					}
				}
			}()
		}
		wg.Wait()
	})
}
