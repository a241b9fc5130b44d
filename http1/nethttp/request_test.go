package nethttp

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/asyncgo/async/internal/rttest"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// seen is what a handler saw of its request.
type seen struct {
	Method, Proto, Host, RemoteAddr, RequestURI string
	ProtoMinor                                  int
	URL                                         url.URL
	Header                                      http.Header
	ContentLength                               int64
	TransferEncoding                            []string
	Close                                       bool
	Body                                        string
	NoBody                                      bool
	LocalAddr                                   string
}

// recorder answers 200 and sends what it saw on ch.
func recorder(ch chan<- seen) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		s := seen{
			Method: r.Method, Proto: r.Proto, Host: r.Host, RemoteAddr: r.RemoteAddr, RequestURI: r.RequestURI,
			ProtoMinor: r.ProtoMinor, URL: *r.URL, Header: r.Header.Clone(), ContentLength: r.ContentLength,
			TransferEncoding: r.TransferEncoding, Close: r.Close, Body: string(b), NoBody: r.Body == http.NoBody,
		}
		if a, ok := r.Context().Value(http.LocalAddrContextKey).(interface{ String() string }); ok {
			s.LocalAddr = a.String()
		}
		ch <- s
	})
}

func TestRequestFields(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ch := make(chan seen, 1)
		ts := startServer(t, x, recorder(ch))
		c := dialRaw(t, ts.addr)
		c.send("POST /a/b%20c?x=1&y=%3F HTTP/1.1\r\nhost: example.com:80\r\nx-custom-thing: one\r\nX-CUSTOM-THING: two\r\n" +
			"content-type: text/plain\r\nTransfer-Encoding: chunked\r\nPragma: no-cache\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
		if resp, _ := c.read("POST"); resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		s := within(t, "the request", ch)
		want := seen{
			Method: "POST", Proto: "HTTP/1.1", ProtoMinor: 1, Host: "example.com:80",
			RemoteAddr: c.LocalAddr().String(), RequestURI: "/a/b%20c?x=1&y=%3F",
			URL: url.URL{Path: "/a/b c", RawQuery: "x=1&y=%3F"},
			Header: http.Header{
				"X-Custom-Thing": {"one", "two"},
				"Content-Type":   {"text/plain"},
				"Pragma":         {"no-cache"},
				"Cache-Control":  {"no-cache"},
			},
			ContentLength: -1, TransferEncoding: []string{"chunked"}, Body: "abcde",
			LocalAddr: ts.addr,
		}
		if !reflect.DeepEqual(s, want) {
			t.Errorf("the handler saw\n%+v\nwant\n%+v", s, want)
		}

		// Absolute form names the host; HTTP/1.0 without keep-alive
		// closes; a sized body; no body at all.
		c2 := dialRaw(t, ts.addr)
		c2.send("PUT http://other.example/p?q HTTP/1.0\r\nHost: ignored.example\r\nContent-Length: 4\r\n\r\nwxyz")
		c2.read("PUT")
		s = within(t, "the second request", ch)
		if s.Host != "other.example" || s.URL.Host != "other.example" || s.URL.Scheme != "http" || s.URL.Path != "/p" ||
			s.URL.RawQuery != "q" || s.Proto != "HTTP/1.0" || !s.Close || s.ContentLength != 4 || s.Body != "wxyz" || s.NoBody {
			t.Errorf("absolute form, HTTP/1.0: %+v", s)
		}
		c2.expectClosed()

		c3 := dialRaw(t, ts.addr)
		c3.send("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
		c3.read("GET")
		s = within(t, "the third request", ch)
		if !s.NoBody || s.ContentLength != 0 || !s.Close || s.Header.Get("Connection") != "close" {
			t.Errorf("a GET: NoBody %v, ContentLength %d, Close %v, Header %v", s.NoBody, s.ContentLength, s.Close, s.Header)
		}
	})
}

// TestParseTargetMatchesURL holds parseTarget's fast path to the url
// package's answer.
func TestParseTargetMatchesURL(t *testing.T) {
	targets := []string{
		"/", "/a/b", "/a/b?", "/a?b?c", "/a?x=1&y=2", "//double/slash", "/a%20b", "/a%2Fb", "/a+b", "/a b",
		"/~user/$x&y+z,w;v=u:t@s", "/ü", "/a!b", "/a'b", "/a(b)", "/a*b", "/a[b]", "/a%zz", "*", "/a?q#f", "/a#f",
		"http://h/p?q", "http://h", "http:/p", "/a?%zz",
	}
	for c := 0; c < 256; c++ {
		targets = append(targets, "/a"+string(rune(c))+"b?x"+string(rune(c)))
		targets = append(targets, "/a"+string([]byte{byte(c)})+"b")
	}
	for _, target := range targets {
		var got url.URL
		gotErr := parseTarget(&got, "GET", target)
		want, wantErr := url.ParseRequestURI(target)
		if (gotErr != nil) != (wantErr != nil) {
			t.Errorf("%q: error %v; the url package says %v", target, gotErr, wantErr)
			continue
		}
		if wantErr == nil && !reflect.DeepEqual(got, *want) {
			t.Errorf("%q: %#v; the url package says %#v", target, got, *want)
		}
	}
	var u url.URL
	if err := parseTarget(&u, "CONNECT", "example.com:443"); err != nil || u.Host != "example.com:443" || u.Scheme != "" || u.Path != "" {
		t.Errorf("CONNECT example.com:443: %#v, %v", u, err)
	}
}

func TestCanonicalKey(t *testing.T) {
	for _, name := range []string{"content-type", "CONTENT-TYPE", "x-a-b", "x--a", "-x", "a_b-c", "accept", "user-agent",
		"X-Real-IP", "www-authenticate", "a1-b2", strings.Repeat("ab-", 30)} {
		if got, want := canonicalKey([]byte(name)), http.CanonicalHeaderKey(name); got != want {
			t.Errorf("canonicalKey(%q) = %q; net/http says %q", name, got, want)
		}
	}
}

func TestAppendAddr(t *testing.T) {
	for _, a := range []net.Addr{
		&net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 80},
		&net.TCPAddr{IP: net.IPv4(10, 1, 2, 3).To4(), Port: 65535},
		&net.TCPAddr{IP: net.ParseIP("::1"), Port: 8080},
		&net.TCPAddr{IP: net.ParseIP("fe80::1"), Port: 1, Zone: "eth0"},
		&net.TCPAddr{IP: net.ParseIP("::ffff:1.2.3.4"), Port: 2},
		&net.UnixAddr{Name: "/tmp/sock", Net: "unix"},
	} {
		if got, want := string(appendAddr(nil, a)), a.String(); got != want {
			t.Errorf("appendAddr(%#v) = %q; String says %q", a, got, want)
		}
	}
}
