package websocket

import (
	"net/http"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/http1/nethttp"
	"github.com/asyncgo/async/internal/rttest"
)

// TestUpgradeHTTP upgrades in a net/http handler run by the adapter, and
// serves the connection from the handler's goroutine with the Blocking
// methods.
func TestUpgradeHTTP(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		u := &Upgrader{}
		served := make(chan error, 1)
		mux := http.NewServeMux()
		mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
			c, err := u.UpgradeHTTP(w, r)
			if err != nil {
				served <- err
				return
			}
			defer c.CloseNow()
			for {
				m, err := c.ReadMessageBlocking()
				if err != nil {
					served <- err
					return
				}
				if err := c.WriteMessageBlocking(m.Type, append([]byte("echo: "), m.Data...)); err != nil {
					served <- err
					return
				}
			}
		})
		addr := serveHandler(t, x, nethttp.Handler(mux))
		client(t, x, &Dialer{}, "ws://"+addr+"/ws", func(co *async.Co, c *Conn) {
			for _, s := range []string{"one", "two", string(make([]byte, 100_000))} {
				if err := async.Await(co, c.WriteMessage(Binary, []byte(s))); err != nil {
					t.Fatal(err)
				}
				m, err := async.Get(co, c.ReadMessage())
				if err != nil || string(m.Data) != "echo: "+s {
					t.Fatalf("echo of %d bytes: %d bytes, %v", len(s), len(m.Data), err)
				}
			}
			if err := async.Await(co, c.Close(StatusNormalClosure, "")); err != nil {
				t.Errorf("close: %v", err)
			}
		})
		select {
		case err := <-served:
			if CloseStatus(err) != StatusNormalClosure {
				t.Errorf("handler's read ended with %v, want the client's 1000", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the handler did not see the close")
		}
	})
}
