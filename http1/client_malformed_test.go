package http1

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
)

// Responses no server should send, each answered by a raw server: the
// error names the request, the step and what was wrong, and the
// connection is closed, never pooled.
func TestClientMalformedResponses(t *testing.T) {
	cases := []struct {
		name     string
		response string // after the request head; the server then closes
		op       string // the step the error names
		says     string
		unwraps  error // errors.Is target, or nil
	}{
		{"garbage status line", "SSH-2.0-OpenSSH\r\n\r\n", "read response head", `malformed status line "SSH-2.0-OpenSSH"`, nil},
		{"bad status code", "HTTP/1.1 2x0 OK\r\n\r\n", "read response head", `malformed status code in "HTTP/1.1 2x0 OK"`, nil},
		{"status out of range", "HTTP/1.1 600 Odd\r\n\r\n", "read response head", `invalid status code "600"`, nil},
		{"HTTP/2 status line", "HTTP/2.0 200 OK\r\n\r\n", "read response head", `unsupported HTTP version "HTTP/2.0"`, nil},
		{"bare LF", "HTTP/1.1 200 OK\nContent-Length: 0\n\n", "read response head", "bare LF line ending", nil},
		{"folded field", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", "read response head", "obsolete line folding", nil},
		{"CL and TE", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			"read response head", `both Content-Length and Transfer-Encoding "chunked"`, nil},
		{"conflicting CL", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
			"read response head", `conflicting Content-Length "6"`, nil},
		{"bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
			"read body", `invalid chunk size`, nil},
		{"chunk without CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
			"read body", `chunk data not followed by CRLF "X"`, nil},
		{"closed before answering", "", "read response head", "server closed the connection before sending a response", nil},
		{"head cut short", "HTTP/1.1 200 OK\r\nContent-Le", "read response head", "connection ended inside the response head", nil},
		{"body cut short", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", "read body", "connection ended inside the body", io.ErrUnexpectedEOF},
		{"chunked body cut short", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", "read body", "connection ended inside the body", io.ErrUnexpectedEOF},
		{"head too large", "HTTP/1.1 200 OK\r\nX-Big: " + strings.Repeat("b", 70<<10) + "\r\n\r\n", "read response head", "header section too large", nil},
		{"too many fields", "HTTP/1.1 200 OK\r\n" + strings.Repeat("X: y\r\n", 101) + "\r\n", "read response head", "too many header fields", nil},
		{"endless 1xx", strings.Repeat("HTTP/1.1 103 Early Hints\r\n\r\n", 20), "read response head", "too many 1xx responses", nil},
	}
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				srv := clRaw(t, func(c net.Conn) {
					defer c.Close()
					if _, err := clReadHead(c); err != nil {
						return
					}
					io.WriteString(c, tc.response)
				})
				url := srv.URL("/bad")
				var c Client
				var err error
				clRun(t, x, func(co *async.Co) error {
					var resp *Response
					resp, err = async.Await(co, c.Get(url)).Get()
					if err == nil {
						_, err = clReadAll(co, resp.Body)
					}
					if n := clOpen(&c, srv.l.Addr().String()); n != 0 {
						t.Errorf("%d connections open after a malformed response", n)
					}
					return nil
				})
				e := clWantError(t, err, "http1: GET "+url+": "+tc.op+": ", tc.says)
				if e.Op != tc.op || e.Method != "GET" || e.URL != url {
					t.Errorf("Error %+v, want Op %q", e, tc.op)
				}
				if tc.unwraps != nil && !errors.Is(err, tc.unwraps) {
					t.Errorf("error %v does not wrap %v", err, tc.unwraps)
				}
			})
		}
	})
}

// Interim responses are skipped, and the final one read.
func TestClientSkipsInterimResponses(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		srv := clRaw(t, func(c net.Conn) {
			defer c.Close()
			if _, err := clReadHead(c); err != nil {
				return
			}
			io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"+
				"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody")
		})
		var c Client
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			status, body, err := clGetString(co, &c, srv.URL("/"))
			if err != nil || status != 200 || body != "body" {
				t.Errorf("got %d %q, %v; want 200 \"body\"", status, body, err)
			}
			return nil
		})
	})
}

// The errors of requests that cannot be made say what is wrong with
// them, and what to do about https.
func TestClientRequestErrors(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		// A port nothing listens on: listen, note the port, close.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		refused := "http://" + l.Addr().String() + "/x"
		l.Close()
		var c Client
		for _, tc := range []struct {
			url, op string
			says    []string
			is      error
		}{
			{refused, "connect", []string{"connect: connection refused"}, syscall.ECONNREFUSED},
			{"https://example.test/", "request", []string{"HTTPS is out of scope", "bridge.NetConn", "crypto/tls's tls.Client"}, nil},
			{"ftp://example.test/", "request", []string{`unsupported protocol scheme "ftp"`}, nil},
			{"http:///path", "request", []string{"URL has no host"}, nil},
			{"http://example.test:99999/", "request", []string{`invalid port "99999"`}, nil},
			{"example.test/path", "request", []string{"has no scheme"}, nil},
		} {
			var err error
			clRun(t, x, func(co *async.Co) error {
				_, err = async.Await(co, c.Get(tc.url)).Get()
				return nil
			})
			e := clWantError(t, err, append([]string{"http1: GET " + tc.url + ": " + tc.op + ": "}, tc.says...)...)
			if e.Op != tc.op {
				t.Errorf("%s: Op %q, want %q", tc.url, e.Op, tc.op)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("%s: error %v does not wrap %v", tc.url, err, tc.is)
			}
		}
		// A password in the URL stays out of errors.
		var err2 error
		clRun(t, x, func(co *async.Co) error {
			_, err2 = async.Await(co, c.Get("https://user:secret@example.test/")).Get()
			return nil
		})
		if err2 == nil || strings.Contains(err2.Error(), "secret") {
			t.Errorf("error %v shows the password", err2)
		}
		var nilErr error
		clRun(t, x, func(co *async.Co) error {
			_, nilErr = async.Await(co, c.Do(nil)).Get()
			return nil
		})
		if nilErr == nil || !strings.Contains(nilErr.Error(), "nil request") {
			t.Errorf("Do(nil): %v", nilErr)
		}
	})
}
