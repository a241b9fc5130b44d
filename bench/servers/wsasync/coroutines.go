package main

import (
	"bytes"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/broadcast"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/websocket"
)

// serveCoroutine upgrades the request, then reads the client's messages
// and sends each to the room, while a writer task relays the room to it.
func serveCoroutine(rm *room, w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
	return async.Do(func(co *async.Co) {
		c, err := async.Get(co, rm.up.Upgrade(w, r))
		if err != nil {
			return // Upgrade answered the request with a 4xx
		}
		defer c.CloseNow()
		rx := rm.all.Subscribe()
		writer := async.Spawn(co.Context(), async.Do(func(co *async.Co) { relay(co, c, rx) }))
		defer writer.Abort()
		for {
			m, err := async.Get(co, c.ReadMessage())
			if err != nil {
				return // the client left, or broke the protocol
			}
			// m.Data is the connection's until its next read; the room
			// keeps a copy until every writer has sent it.
			rm.all.Send(bytes.Clone(m.Data))
		}
	})
}

// relay is a connection's writer task: it writes every message of the
// room to the connection until the room closes, a write fails, or the
// client falls too far behind, when it is dropped.
func relay(co *async.Co, c *websocket.Conn, rx *broadcast.Receiver[[]byte]) {
	defer rx.Close()
	for {
		msg, err := async.Get(co, rx.Recv())
		if err != nil { // lagged (the client is dropped) or the room closed
			c.CloseNow()
			return
		}
		if err := async.Await(co, c.WriteMessage(websocket.Binary, msg)); err != nil {
			return
		}
	}
}
