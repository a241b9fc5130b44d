package nethttp

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/asyncgo/async/internal/rttest"
)

// echoLine hijacks the connection, writes a raw response, and echoes one
// line back, upper-cased; with ?upgrade it answers 101 through
// WriteHeader first.
func echoLine(t *testing.T, done chan<- struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		upgrade := r.URL.Query().Has("upgrade")
		if upgrade {
			w.Header().Set("Upgrade", "echo")
			w.Header().Set("Connection", "Upgrade")
			w.WriteHeader(http.StatusSwitchingProtocols)
		}
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("Hijack: %v", err)
			return
		}
		defer conn.Close()
		if _, err := w.Write([]byte("x")); err != http.ErrHijacked {
			t.Errorf("Write after Hijack: %v; want http.ErrHijacked", err)
		}
		if !upgrade {
			rw.WriteString("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
		}
		rw.WriteString("say something\n")
		if err := rw.Flush(); err != nil {
			t.Errorf("Flush: %v", err)
			return
		}
		line, err := rw.ReadString('\n')
		if err != nil {
			t.Errorf("ReadString: %v", err)
			return
		}
		rw.WriteString(strings.ToUpper(line))
		rw.Flush()
	})
}

func TestHijackEcho(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		done := make(chan struct{})
		ts := startServer(t, x, echoLine(t, done))
		c := dialRaw(t, ts.addr)
		// The line comes with the request: the server has it buffered
		// when the handler hijacks, and hands it over.
		c.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\nhello, hijacker\n")
		resp, err := http.ReadResponse(c.br, nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%v, %v", resp, err)
		}
		b, _ := io.ReadAll(c.br)
		if string(b) != "say something\nHELLO, HIJACKER\n" {
			t.Errorf("read %q after the response", b)
		}
		within(t, "the handler", done)
	})
}

func TestHijackUpgrade(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		done := make(chan struct{})
		ts := startServer(t, x, echoLine(t, done))
		c := dialRaw(t, ts.addr)
		c.send("GET /echo?upgrade HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
		resp, err := http.ReadResponse(c.br, nil)
		if err != nil || resp.StatusCode != 101 || resp.Header.Get("Upgrade") != "echo" {
			t.Fatalf("%v, %v", resp, err)
		}
		line, err := c.br.ReadString('\n')
		if line != "say something\n" || err != nil {
			t.Fatalf("read %q, %v", line, err)
		}
		c.send("after the upgrade\n")
		b, _ := io.ReadAll(c.br)
		if string(b) != "AFTER THE UPGRADE\n" {
			t.Errorf("read %q", b)
		}
		within(t, "the handler", done)
	})
}

// TestHijackAfterWrite checks that what the handler wrote before it
// hijacked goes out first.
func TestHijackAfterWrite(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		done := make(chan struct{})
		ts := startServer(t, x, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer close(done)
			io.WriteString(w, "before\n")
			conn, rw, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Errorf("Hijack: %v", err)
				return
			}
			rw.WriteString("after\n")
			rw.Flush()
			conn.Close()
		}))
		c := dialRaw(t, ts.addr)
		c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(c.br, nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%v, %v", resp, err)
		}
		// The body so far went out as a chunk, with no end: the
		// connection is the handler's from there.
		rest, _ := io.ReadAll(c.br)
		if string(rest) != "7\r\nbefore\n\r\nafter\n" || resp.ContentLength != -1 {
			t.Errorf("read %q after the head (ContentLength %d); want a chunk, then the hijacker's bytes", rest, resp.ContentLength)
		}
		within(t, "the handler", done)
	})
}
