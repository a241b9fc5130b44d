package nethttp

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/asyncgo/async/internal/rttest"
)

func TestPanic(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/before":
				io.WriteString(w, "partial")
				panic("boom before the head")
			case "/after":
				io.WriteString(w, "partial")
				w.(http.Flusher).Flush()
				panic("boom after the head")
			case "/abort":
				panic(http.ErrAbortHandler)
			}
			io.WriteString(w, "fine")
		}))
		c := dialRaw(t, ts.addr)
		c.send("GET /before HTTP/1.1\r\nHost: x\r\n\r\n")
		if resp, body := c.read("GET"); resp.StatusCode != 500 || strings.Contains(body, "partial") || !resp.Close {
			t.Errorf("a panic before the head: %d %q, Close %v; want 500 and the connection closed", resp.StatusCode, body, resp.Close)
		}
		c.expectClosed()
		logs := ts.logs.String()
		if !strings.Contains(logs, "panic serving") || !strings.Contains(logs, "boom before the head") || !strings.Contains(logs, "panic_test.go") {
			t.Errorf("the panic was not logged with its stack: %q", logs)
		}

		// After the head, the client sees the body cut short.
		c = dialRaw(t, ts.addr)
		c.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(c.br, nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("a panic after the head: %v, %v", resp, err)
		}
		if b, err := io.ReadAll(resp.Body); string(b) != "partial" || err != io.ErrUnexpectedEOF {
			t.Errorf("a panic after the head: body %q, %v; want it cut short", b, err)
		}

		// http.ErrAbortHandler closes without an answer or a log line.
		before := ts.logs.String()
		c = dialRaw(t, ts.addr)
		c.send("GET /abort HTTP/1.1\r\nHost: x\r\n\r\n")
		c.expectClosed()
		if after := ts.logs.String(); after != before {
			t.Errorf("http.ErrAbortHandler was logged: %q", strings.TrimPrefix(after, before))
		}

		// The server goes on.
		if status, _, body := do(t, ts, "GET", "/fine", ""); status != 200 || body != "fine" {
			t.Errorf("after the panics: %d %q", status, body)
		}
	})
}
