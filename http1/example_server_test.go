package http1_test

import (
	"fmt"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/tcp"
)

// A server with two handlers, one that answers at once and one that
// streams the request body back, asked by the package's Client, then shut
// down gracefully.
func ExampleServer() {
	srv := &http1.Server{Handler: http1.HandlerFunc(func(w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
		if r.Method() == "GET" {
			w.Header().Set("Content-Type", "text/plain")
			return w.Send(200, []byte("Hello, World!")) // ready at once: no allocation, no wake
		}
		return async.Do(func(co *async.Co) {
			async.Await(co, aio.Copy(w, r.Body(), nil)) // the body, streamed back as it comes
		})
	})}
	l, err := tcp.Listen("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	url := "http://" + l.Addr().String() + "/"

	err, runErr := executor.Run(async.Go(func(co *async.Co) error {
		serving := async.Spawn(co.Context(), srv.Serve(l))
		var c http1.Client
		defer c.CloseIdle()
		for _, body := range []string{"", "echo me"} {
			req, err := http1.NewRequest("GET", url, nil)
			if body != "" {
				req, err = http1.NewRequest("POST", url, http1.StringBody(body))
			}
			if err != nil {
				return err
			}
			resp, err := async.Get(co, c.Do(req))
			if err != nil {
				return err
			}
			got, err := async.Get(co, resp.Body.ReadAll(1<<20))
			if err != nil {
				return err
			}
			fmt.Printf("%s %d: %s\n", req.Method, resp.StatusCode, got)
		}
		if err := async.Await(co, srv.Shutdown(time.Second)); err != nil {
			return err
		}
		return async.Await(co, serving).Value // http1.ErrServerClosed
	}))
	fmt.Println(err, runErr)
	// Output:
	// GET 200: Hello, World!
	// POST 200: echo me
	// http1: server closed <nil>
}
