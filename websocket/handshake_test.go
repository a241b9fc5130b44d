package websocket

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/internal/rttest"
)

// rawHandshake sends a request head to addr and returns the response's
// status and head.
func rawHandshake(t *testing.T, addr, head string) (int, http.Header) {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := nc.Write([]byte(head)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(nc), nil)
	if err != nil {
		t.Fatalf("reading the answer to %q: %v", head, err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header
}

const goodKey = "dGhlIHNhbXBsZSBub25jZQ=="

func upgradeHead(method, proto string, fields ...string) string {
	h := method + " /ws " + proto + "\r\nHost: example.com\r\n"
	for _, f := range fields {
		h += f + "\r\n"
	}
	return h + "\r\n"
}

func TestHandshakeRefusals(t *testing.T) {
	good := []string{"Upgrade: websocket", "Connection: keep-alive, Upgrade", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: " + goodKey}
	without := func(prefix string, extra ...string) []string {
		var f []string
		for _, v := range good {
			if !strings.HasPrefix(v, prefix) {
				f = append(f, v)
			}
		}
		return append(f, extra...)
	}
	cases := []struct {
		name   string
		head   string
		status int
	}{
		{"valid", upgradeHead("GET", "HTTP/1.1", good...), 101},
		{"POST", upgradeHead("POST", "HTTP/1.1", append(good, "Content-Length: 0")...), 405},
		{"HTTP/1.0", upgradeHead("GET", "HTTP/1.0", good...), 400},
		{"no Upgrade", upgradeHead("GET", "HTTP/1.1", without("Upgrade:")...), 400},
		{"Upgrade: h2c", upgradeHead("GET", "HTTP/1.1", without("Upgrade:", "Upgrade: h2c")...), 400},
		{"no Connection upgrade", upgradeHead("GET", "HTTP/1.1", without("Connection:", "Connection: keep-alive")...), 400},
		{"version 8", upgradeHead("GET", "HTTP/1.1", without("Sec-WebSocket-Version:", "Sec-WebSocket-Version: 8")...), 426},
		{"no key", upgradeHead("GET", "HTTP/1.1", without("Sec-WebSocket-Key:")...), 400},
		{"short key", upgradeHead("GET", "HTTP/1.1", without("Sec-WebSocket-Key:", "Sec-WebSocket-Key: c2hvcnQ=")...), 400},
		{"key not base64", upgradeHead("GET", "HTTP/1.1", without("Sec-WebSocket-Key:", "Sec-WebSocket-Key: !!!!!!!!!!!!!!!!!!!!!!!!")...), 400},
		{"two keys", upgradeHead("GET", "HTTP/1.1", append(good, "Sec-WebSocket-Key: "+goodKey)...), 400},
		{"foreign Origin", upgradeHead("GET", "HTTP/1.1", append(good, "Origin: http://evil.example")...), 403},
		{"same Origin", upgradeHead("GET", "HTTP/1.1", append(good, "Origin: http://example.com")...), 101},
		{"bad extension header", upgradeHead("GET", "HTTP/1.1", append(good, `Sec-WebSocket-Extensions: permessage-deflate; x="unterminated`)...), 400},
	}
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		u := &Upgrader{Options: Options{Compression: true}}
		url := serve(t, x, u, func(co *async.Co, c *Conn) {})
		addr := strings.TrimPrefix(url, "ws://")
		for _, tc := range cases {
			status, h := rawHandshake(t, addr, tc.head)
			if status != tc.status {
				t.Errorf("%s: status %d, want %d", tc.name, status, tc.status)
				continue
			}
			switch status {
			case 101:
				if got := h.Get("Sec-WebSocket-Accept"); got != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
					t.Errorf("%s: Sec-WebSocket-Accept %q, want RFC 6455's example answer", tc.name, got)
				}
			case 426:
				if got := h.Get("Sec-WebSocket-Version"); got != "13" {
					t.Errorf("%s: Sec-WebSocket-Version %q in the 426, want 13", tc.name, got)
				}
			}
		}
	})
}

func TestSubprotocolAndCheckOrigin(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		u := &Upgrader{
			Options:     Options{Subprotocols: []string{"v2.chat", "v1.chat"}},
			CheckOrigin: func(r *http1.Request) bool { return string(r.Field("Origin")) == "http://trusted.example" },
		}
		url := serve(t, x, u, func(co *async.Co, c *Conn) {
			async.Await(co, c.WriteMessage(Text, []byte(c.Subprotocol())))
		})
		d := &Dialer{Options: Options{Subprotocols: []string{"v1.chat", "v2.chat"}}}
		d.Header.Set("Origin", "http://trusted.example")
		client(t, x, d, url, func(co *async.Co, c *Conn) {
			if c.Subprotocol() != "v2.chat" {
				t.Errorf("client's Subprotocol() = %q, want the server's first choice v2.chat", c.Subprotocol())
			}
			m, err := async.Get(co, c.ReadMessage())
			if err != nil || string(m.Data) != "v2.chat" {
				t.Errorf("server's Subprotocol(): %q, %v", m.Data, err)
			}
		})
		bad := &Dialer{}
		bad.Header.Set("Origin", "http://elsewhere.example")
		_, err := executorRun(x, func(co *async.Co) error {
			_, err := async.Get(co, bad.Dial(url))
			return err
		})
		var he *HandshakeError
		if !asHandshake(err, &he) || he.Status != 403 {
			t.Errorf("dial from an untrusted origin: %v, want a 403 HandshakeError", err)
		}
	})
}
