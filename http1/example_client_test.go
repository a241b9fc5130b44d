package http1_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/http1"
)

// A Client fetches two pages from a local server over one kept-alive
// connection, and prints what it got.
func ExampleClient() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from %s", r.URL.Path)
	}))
	defer srv.Close()

	var c http1.Client
	defer c.CloseIdle()
	err, runErr := executor.Run(async.Go(func(co *async.Co) error {
		for _, path := range []string{"/one", "/two"} {
			resp, err := async.Get(co, c.Get(srv.URL+path))
			if err != nil {
				return err
			}
			body, err := async.Get(co, resp.Body.ReadAll(1<<20))
			if err != nil {
				return err
			}
			fmt.Printf("%d %s: %s\n", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		return nil
	}))
	fmt.Println(err, runErr)
	// Output:
	// 200 text/plain; charset=utf-8: hello from /one
	// 200 text/plain; charset=utf-8: hello from /two
	// <nil> <nil>
}

// Get makes one request on a connection of its own; the error of a
// request names it and the step that failed.
func ExampleGet() {
	res, runErr := executor.Run(http1.Get("https://example.com/"))
	fmt.Println(res.Err)
	fmt.Println(runErr)
	// Output:
	// http1: GET https://example.com/: request: HTTPS is out of scope for this client; for now, wrap a tcp.Conn with bridge.NetConn and crypto/tls's tls.Client, and speak HTTP over that from a goroutine
	// <nil>
}
