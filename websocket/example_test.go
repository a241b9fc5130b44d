package websocket_test

import (
	"fmt"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/tcp"
	"github.com/asyncgo/async/websocket"
)

// An echo server: the handler upgrades the request and sends every
// message back, and a client dials it, talks, and closes with the close
// handshake.
func Example() {
	u := &websocket.Upgrader{}
	srv := &http1.Server{Handler: http1.HandlerFunc(func(w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
		return async.Do(func(co *async.Co) {
			c, err := async.Get(co, u.Upgrade(w, r))
			if err != nil {
				return // answered with a 4xx that says why
			}
			defer c.CloseNow()
			for {
				m, err := async.Get(co, c.ReadMessage())
				if err != nil {
					return // the client closed
				}
				if err := async.Await(co, c.WriteMessage(m.Type, m.Data)); err != nil {
					return
				}
			}
		})
	})}
	l, err := tcp.Listen("127.0.0.1:0")
	if err != nil {
		panic(err)
	}

	err, runErr := executor.Run(async.Go(func(co *async.Co) error {
		serving := async.Spawn(co.Context(), srv.Serve(l))
		c, err := async.Get(co, websocket.Dial("ws://"+l.Addr().String()+"/echo"))
		if err != nil {
			return err
		}
		for _, s := range []string{"hello", "world"} {
			if err := async.Await(co, c.WriteMessage(websocket.Text, []byte(s))); err != nil {
				return err
			}
			m, err := async.Get(co, c.ReadMessage())
			if err != nil {
				return err
			}
			fmt.Printf("%v: %s\n", m.Type, m.Data)
		}
		if err := async.Await(co, c.Close(websocket.StatusNormalClosure, "bye")); err != nil {
			return err
		}
		async.Await(co, srv.Shutdown(time.Second))
		async.Await(co, serving)
		return nil
	}))
	fmt.Println(err, runErr)
	// Output:
	// text: hello
	// text: world
	// <nil> <nil>
}
