package nethttp_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/http1/nethttp"
	"github.com/asyncgo/async/oneshot"
	"github.com/asyncgo/async/tcp"
)

// A ServeMux with patterns, served by http1.Server through the adapter,
// and asked by Go's own client.
func Example() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello/{name}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "Hello, %s! (%s)\n", r.PathValue("name"), r.Pattern)
	})
	srv := &http1.Server{Handler: nethttp.Handler(mux)}
	l, err := tcp.Listen("127.0.0.1:0")
	if err != nil {
		panic(err)
	}

	// The executor runs on a goroutine of its own until stop is sent,
	// then shuts the server down gracefully.
	stop, stopped := oneshot.New[struct{}]()
	served := make(chan error, 1)
	go func() {
		err, runErr := executor.Run(async.Go(func(co *async.Co) error {
			r := async.Await(co, async.Select2(srv.Serve(l), stopped))
			if r.Index == 0 {
				return r.V1
			}
			return async.Await(co, srv.Shutdown(time.Second))
		}))
		served <- errors.Join(err, runErr)
	}()

	tr := &http.Transport{}
	client := &http.Client{Transport: tr}
	for _, path := range []string{"/hello/gopher", "/nowhere"} {
		resp, err := client.Get("http://" + l.Addr().String() + path)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%s %s: %s", path, resp.Status, body)
	}
	tr.CloseIdleConnections()
	stop.Send(struct{}{})
	fmt.Println("shutdown:", <-served)
	// Output:
	// /hello/gopher 200 OK: Hello, gopher! (GET /hello/{name})
	// /nowhere 404 Not Found: 404 page not found
	// shutdown: <nil>
}
