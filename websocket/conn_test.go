package websocket

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
)

func TestEchoSizes(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		for _, compress := range []bool{false, true} {
			u := &Upgrader{Options: Options{Compression: compress}}
			url := serve(t, x, u, echo)
			d := &Dialer{Options: Options{Compression: compress}}
			client(t, x, d, url, func(co *async.Co, c *Conn) {
				if c.Compressed() != compress {
					t.Errorf("Compressed() = %v, want %v", c.Compressed(), compress)
				}
				rng := rand.New(rand.NewPCG(1, 2))
				for _, n := range []int{0, 1, 125, 126, 65535, 65536, 1 << 20} {
					for _, typ := range []MessageType{Binary, Text} {
						data := make([]byte, n)
						for i := range data {
							data[i] = byte('a' + rng.IntN(26))
						}
						if err := async.Await(co, c.WriteMessage(typ, data)); err != nil {
							t.Fatalf("write %d bytes: %v", n, err)
						}
						m, err := async.Get(co, c.ReadMessage())
						if err != nil {
							t.Fatalf("read %d bytes: %v", n, err)
						}
						if m.Type != typ || !bytes.Equal(m.Data, data) {
							t.Fatalf("echo of %d bytes of %v: got %d bytes of %v", n, typ, len(m.Data), m.Type)
						}
					}
				}
				if err := async.Await(co, c.Close(StatusNormalClosure, "done")); err != nil {
					t.Errorf("close: %v", err)
				}
			})
		}
	})
}

func TestCloseHandshakeFromServer(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		url := serve(t, x, &Upgrader{}, func(co *async.Co, c *Conn) {
			async.Await(co, c.Close(4000, "bye"))
		})
		client(t, x, &Dialer{}, url, func(co *async.Co, c *Conn) {
			_, err := async.Get(co, c.ReadMessage())
			var ce *CloseError
			if !errors.As(err, &ce) || ce.Code != 4000 || ce.Reason != "bye" || !ce.Remote {
				t.Fatalf("read: %v, want the peer's close 4000 bye", err)
			}
		})
	})
}
