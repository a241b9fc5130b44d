package websocket

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// dialSilent completes a handshake over a plain socket and then neither
// reads nor writes: a peer that went away without a word.
func dialSilent(t *testing.T, url string) net.Conn {
	t.Helper()
	addr := strings.TrimPrefix(url, "ws://")
	nc, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	head := upgradeHead("GET", "HTTP/1.1", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: "+goodKey)
	if _, err := nc.Write([]byte(head)); err != nil {
		t.Fatal(err)
	}
	nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(nc), nil)
	if err != nil || resp.StatusCode != 101 {
		t.Fatalf("handshake: %v, %v", resp, err)
	}
	return nc
}

func TestKeepAliveDropsSilentPeer(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		got := make(chan error, 1)
		u := &Upgrader{Options: Options{PingInterval: 50 * time.Millisecond, PongTimeout: 100 * time.Millisecond}}
		url := serve(t, x, u, func(co *async.Co, c *Conn) {
			_, err := async.Get(co, c.ReadMessage())
			got <- err
		})
		dialSilent(t, url)
		select {
		case err := <-got:
			if !strings.Contains(errString(err), "keep-alive") || CloseStatus(err) != StatusAbnormalClosure {
				t.Fatalf("read: %v, want the keep-alive's abnormal closure", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("a silent peer was not dropped")
		}
	})
}

func TestKeepAliveKeepsAnsweringPeer(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		// The client is quiet for 2 s, twice what an unanswered ping
		// would take to drop it; a pong may take up to a second, so that
		// a loaded machine does not fail the test.
		u := &Upgrader{Options: Options{PingInterval: 50 * time.Millisecond, PongTimeout: time.Second}}
		url := serve(t, x, u, echo)
		client(t, x, &Dialer{}, url, func(co *async.Co, c *Conn) {
			// The client's read answers the server's pings while the
			// client says nothing for many ping intervals.
			r := async.Await(co, timer.Timeout(c.ReadMessage(), 2*time.Second))
			if !errors.Is(r.Err, timer.ErrTimeout) {
				t.Fatalf("read while quiet: %v, want only the timeout", r.Err)
			}
			if err := async.Await(co, c.WriteMessage(Text, []byte("still here"))); err != nil {
				t.Fatal(err)
			}
			m, err := async.Get(co, c.ReadMessage())
			if err != nil || string(m.Data) != "still here" {
				t.Fatalf("after the quiet: %q, %v", m.Data, err)
			}
		})
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
