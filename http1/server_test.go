package http1

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/internal/rttest"
)

var helloBody = []byte("Hello, World!")

// hello answers every request with 200 and "Hello, World!".
func hello(w *ResponseWriter, r *Request) async.Future[struct{}] {
	w.Header().Set("Content-Type", "text/plain")
	return w.Send(200, helloBody)
}

// echoBody answers with the request's method, target and body, read
// through a coroutine.
func echoBody(w *ResponseWriter, r *Request) async.Future[struct{}] {
	return async.Go(func(co *async.Co) struct{} {
		var body bytes.Buffer
		buf := make([]byte, 1000)
		for {
			n, err := async.Await(co, r.Body().Read(buf)).Get()
			body.Write(buf[:n])
			if err == io.EOF {
				break
			}
			if err != nil {
				return struct{}{}
			}
		}
		msg := fmt.Sprintf("%s %s %d:%s", r.Method(), r.Target(), body.Len(), body.String())
		async.Await(co, w.Write([]byte(msg)))
		return struct{}{}
	})
}

func TestServerHelloNetHTTPClient(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, &Server{Handler: HandlerFunc(hello)})
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		cl := &http.Client{Transport: tr}
		for i := range 20 {
			resp, err := cl.Get("http://" + ts.addr + fmt.Sprintf("/x/%d", i))
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || string(b) != "Hello, World!" {
				t.Fatalf("GET: %d %q %v", resp.StatusCode, b, err)
			}
			if resp.Header.Get("Date") == "" || resp.Header.Get("Content-Type") != "text/plain" || resp.ContentLength != 13 {
				t.Fatalf("header %v, length %d", resp.Header, resp.ContentLength)
			}
		}
	})
}

func TestServerPipelining100(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, &Server{Handler: HandlerFunc(echoBody)})
		c := dialRaw(t, ts.addr)
		var all strings.Builder
		for i := range 100 {
			if i%3 == 0 {
				fmt.Fprintf(&all, "POST /p/%d HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabc%02d", i, i)
			} else if i%3 == 1 {
				fmt.Fprintf(&all, "POST /p/%d HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\n%02d\r\n0\r\n\r\n", i, i)
			} else {
				fmt.Fprintf(&all, "GET /p/%d HTTP/1.1\r\nHost: x\r\n\r\n", i)
			}
		}
		c.send(all.String())
		for i := range 100 {
			r := c.read(false)
			want := fmt.Sprintf("POST /p/%d 5:abc%02d", i, i)
			if i%3 == 2 {
				want = fmt.Sprintf("GET /p/%d 0:", i)
			}
			if r.status != 200 || r.body != want {
				t.Fatalf("response %d: %d %q, want %q", i, r.status, r.body, want)
			}
		}
	})
}

func TestServerHeadAndKeepAlive10(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, &Server{Handler: HandlerFunc(hello)})
		c := dialRaw(t, ts.addr)
		c.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
		r := c.read(true)
		if r.status != 200 || r.fields["content-length"] != "13" {
			t.Fatalf("HEAD: %+v", r)
		}
		c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
		r = c.read(false)
		if r.body != "Hello, World!" || r.fields["connection"] != "keep-alive" {
			t.Fatalf("HTTP/1.0 keep-alive: %+v", r)
		}
		c.send("GET / HTTP/1.0\r\n\r\n")
		r = c.read(false)
		if r.body != "Hello, World!" || r.fields["connection"] != "close" {
			t.Fatalf("HTTP/1.0: %+v", r)
		}
		c.expectClosed()
	})
}

func TestServerExpectContinue(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, &Server{Handler: HandlerFunc(echoBody)})
		c := dialRaw(t, ts.addr)
		c.send("PUT /up HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
		r := c.read(false)
		if r.status != 100 {
			t.Fatalf("want 100 Continue first, got %+v", r)
		}
		c.send("data")
		r = c.read(false)
		if r.status != 200 || r.body != "PUT /up 4:data" {
			t.Fatalf("after 100: %+v", r)
		}
		// A handler that answers without reading: no 100, and the
		// connection closes since the client holds its body back.
		c.send("PUT /up HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
		_ = aio.Reader(nil)
	})
}

func TestServerStreamsLargeBodies(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		// The handler copies the upload back: 4 MiB each way, through
		// buffers of a few KiB.
		ts := startServer(t, x, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) async.Future[struct{}] {
			return async.Map(aio.Copy(w, r.Body(), make([]byte, 8<<10)), func(async.Result[int64]) struct{} { return struct{}{} })
		})})
		body := bytes.Repeat([]byte("0123456789abcdef"), 256<<10)
		resp, err := http.Post("http://"+ts.addr+"/copy", "application/octet-stream", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("got %d bytes (%v), want %d back", len(got), err, len(body))
		}
		if resp.TransferEncoding == nil || resp.TransferEncoding[0] != "chunked" {
			t.Fatalf("a long body of unknown length should be chunked: %v", resp.TransferEncoding)
		}
		http.DefaultClient.CloseIdleConnections()
	})
}

// waitForever is a handler's future that never completes and reports its
// cancellation.
type waitForever struct{ cancelled chan struct{} }

func (f *waitForever) Poll(*async.Context) (struct{}, bool) { return struct{}{}, false }
func (f *waitForever) Cancel()                              { close(f.cancelled) }

func TestServerCancelsHandlerWhenClientGoes(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		started := make(chan *waitForever, 1)
		ts := startServer(t, x, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) async.Future[struct{}] {
			f := &waitForever{cancelled: make(chan struct{})}
			started <- f
			return f
		})})
		c := dialRaw(t, ts.addr)
		c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
		f := <-started
		c.Close()
		select {
		case <-f.cancelled:
		case <-time.After(10 * time.Second):
			t.Fatal("the handler was not cancelled when its client went away")
		}
	})
}

func TestServerHostOfAbsoluteTarget(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) async.Future[struct{}] {
			return w.Send(200, append(append(r.Host(), ' '), r.Path()...))
		})})
		c := dialRaw(t, ts.addr)
		// RFC 9112 section 3.2.2: the target's authority wins over Host.
		c.send("GET http://user@a.example:81/p?q HTTP/1.1\r\nHost: b.example\r\n\r\n")
		if r := c.read(false); r.body != "a.example:81 /p" {
			t.Fatalf("absolute form: %q, want %q", r.body, "a.example:81 /p")
		}
		c.send("GET /p HTTP/1.1\r\nHost: b.example\r\n\r\n")
		if r := c.read(false); r.body != "b.example /p" {
			t.Fatalf("origin form: %q", r.body)
		}
	})
}

func TestServerConnectAnswerHasNoBodyAndCloses(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, &Server{Handler: HandlerFunc(hello)})
		c := dialRaw(t, ts.addr)
		c.send("CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n")
		r := c.read(true)
		if r.status != 200 || r.fields["content-length"] != "" || r.fields["transfer-encoding"] != "" {
			t.Fatalf("a 2xx to CONNECT must carry no framing (RFC 9110 section 9.3.6): %+v", r)
		}
		c.expectClosed()
	})
}

func TestServerClosesSilentNewConnection(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, &Server{Handler: HandlerFunc(hello), HeaderTimeout: 200 * time.Millisecond})
		c := dialRaw(t, ts.addr)
		c.expectClosed() // within the header timeout, not the idle one of 120 s
	})
}

func TestServerErrorAnswerSurvivesUnreadInput(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, &Server{Handler: HandlerFunc(hello), MaxHeaderBytes: 16 << 10})
		c := dialRaw(t, ts.addr)
		// A head over the limit, and more after it: the server answers
		// 431 and lingers, reading what comes, so that closing does not
		// reset the connection under the answer.
		c.send("GET / HTTP/1.1\r\nHost: x\r\nX: " + strings.Repeat("a", 20000) + "\r\n\r\n")
		go c.Conn.Write(bytes.Repeat([]byte("b"), 64<<10))
		if r := c.read(false); r.status != 431 || r.fields["connection"] != "close" {
			t.Fatalf("want 431 with Connection: close, got %+v", r)
		}
		c.expectClosed()
	})
}
