package http1

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/tcp"
)

// clDigest is a handler of this package's Server: it reads the body and
// answers with the method, the target, and the body's length and SHA-256.
func clDigest(w *ResponseWriter, r *Request) async.Future[struct{}] {
	return async.Go(func(co *async.Co) struct{} {
		h := sha256.New()
		buf := make([]byte, 8<<10)
		n := 0
		for {
			m, err := async.Await(co, r.Body().Read(buf)).Get()
			h.Write(buf[:m])
			n += m
			if err == io.EOF {
				break
			}
			if err != nil {
				return struct{}{}
			}
		}
		async.Await(co, w.Write(fmt.Appendf(nil, "%s %s %d %x", r.Method(), r.Target(), n, h.Sum(nil))))
		return struct{}{}
	})
}

// The client against this package's server, both tasks of one executor:
// keep-alive, and bodies up and down, sized and chunked.
func TestClientAgainstServer(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		l, err := tcp.Listen("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		base := "http://" + l.Addr().String()
		srv := &Server{Handler: HandlerFunc(clDigest)}
		var c Client
		clRun(t, x, func(co *async.Co) error {
			serving := async.Spawn(co.Context(), srv.Serve(l))
			big := bytes.Repeat([]byte("async http1 "), 100_000)
			digest := func(method, target string, body []byte) string {
				return fmt.Sprintf("%s %s %d %x", method, target, len(body), sha256.Sum256(body))
			}
			for i := range 10 {
				target := fmt.Sprintf("/n/%d", i)
				_, body, err := clGetString(co, &c, base+target)
				if want := digest("GET", target, nil); err != nil || body != want {
					return fmt.Errorf("GET %s: %q, %v; want %q", target, body, err, want)
				}
			}
			req, _ := NewRequest("PUT", base+"/sized", BytesBody(big))
			resp, err := async.Await(co, c.Do(req)).Get()
			if err != nil {
				return err
			}
			if got, err := async.Await(co, resp.Body.ReadAll(1<<10)).Get(); err != nil || string(got) != digest("PUT", "/sized", big) {
				return fmt.Errorf("sized upload: %q, %v", got, err)
			}
			pr, pw := aio.Pipe(1 << 10)
			writer := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				if _, err := async.Await(co, aio.WriteAll(pw, big)).Get(); err != nil {
					return err
				}
				return pw.Close()
			}))
			req, _ = NewRequest("POST", base+"/chunked", pr)
			resp, err = async.Await(co, c.Do(req)).Get()
			if err != nil {
				return err
			}
			if got, err := async.Await(co, resp.Body.ReadAll(1<<10)).Get(); err != nil || string(got) != digest("POST", "/chunked", big) {
				return fmt.Errorf("chunked upload: %q, %v", got, err)
			}
			if r := async.Await(co, writer); r.Err != nil || r.Value != nil {
				return fmt.Errorf("writer: %v, %v", r.Err, r.Value)
			}
			if n := clOpen(&c, l.Addr().String()); n != 1 {
				return fmt.Errorf("%d connections open, want the one kept alive", n)
			}
			c.CloseIdle()
			if err := async.Await(co, srv.Shutdown(time.Second)); err != nil {
				return err
			}
			if r := async.Await(co, serving); r.Err != nil || r.Value != ErrServerClosed {
				return fmt.Errorf("Serve: %v, %v", r.Err, r.Value)
			}
			return nil
		})
	})
}
