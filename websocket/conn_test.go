package websocket

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/tcp"
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

func TestUpgraderHandler(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		u := &Upgrader{}
		l, err := tcp.Listen("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http1.Server{Handler: u.Handler(func(c *Conn) async.Future[struct{}] {
			return async.Do(func(co *async.Co) {
				defer c.CloseNow()
				echo(co, c)
			})
		})}
		done := make(chan struct{})
		go func() {
			defer close(done)
			executor.Run(async.Go(func(co *async.Co) error {
				serving := async.Spawn(co.Context(), srv.Serve(l))
				c, err := async.Get(co, Dial("ws://"+l.Addr().String()+"/"))
				if err != nil {
					t.Error(err)
				} else {
					if err := async.Await(co, c.WriteMessage(Text, []byte("via Handler"))); err != nil {
						t.Error(err)
					}
					if m, err := async.Get(co, c.ReadMessage()); err != nil || string(m.Data) != "via Handler" {
						t.Errorf("echo: %q, %v", m.Data, err)
					}
					async.Await(co, c.Close(StatusNormalClosure, ""))
				}
				// A plain GET is refused.
				resp, err := async.Get(co, http1.Get("http://"+l.Addr().String()+"/"))
				if err != nil || resp.StatusCode != 400 {
					t.Errorf("plain GET: %v, %v; want a 400", resp, err)
				} else {
					resp.Body.Close()
				}
				async.Await(co, srv.Shutdown(time.Second))
				async.Await(co, serving)
				return nil
			}), x.Options...)
		}()
		<-done
	})
}
