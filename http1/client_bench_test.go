package http1

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
)

// BenchmarkClientGet is a GET of a small body over a kept-alive
// connection to a net/http server: the client's allocations per request
// (the server's are in the count too, on their goroutines).
func BenchmarkClientGet(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "Hello, World!")
	}))
	defer srv.Close()
	var c Client
	defer c.CloseIdle()
	req, err := NewRequest("GET", srv.URL+"/", nil)
	if err != nil {
		b.Fatal(err)
	}
	err, runErr := executor.Run(async.Go(func(co *async.Co) error {
		buf := make([]byte, 64)
		b.ReportAllocs()
		for b.Loop() {
			resp, err := async.Await(co, c.Do(req)).Get()
			if err != nil {
				return err
			}
			for {
				_, err := async.Await(co, resp.Body.Read(buf)).Get()
				if err == io.EOF {
					break
				}
				if err != nil {
					return err
				}
			}
		}
		return nil
	}))
	if err != nil || runErr != nil {
		b.Fatal(err, runErr)
	}
}
