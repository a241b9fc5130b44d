package main

import (
	"net/http"
	"sync"

	"github.com/gorilla/websocket"
)

// room is the set of connections for -writer mutex: a broadcast is
// written to each, in turn, by the goroutine that read it.
type room struct {
	mu    sync.RWMutex
	conns map[*lockedConn]struct{}
}

// lockedConn is a connection with the mutex that lets one goroutine at a
// time write to it, as gorilla requires.
type lockedConn struct {
	mu   sync.Mutex
	conn *websocket.Conn
}

func newRoom() *room { return &room{conns: make(map[*lockedConn]struct{})} }

// serve upgrades the request and reads the connection on the handler's
// goroutine, broadcasting each message, until it fails or closes.
func (rm *room) serve(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade answered the request with an error
	}
	c := &lockedConn{conn: conn}
	rm.mu.Lock()
	rm.conns[c] = struct{}{}
	rm.mu.Unlock()
	defer func() {
		rm.mu.Lock()
		delete(rm.conns, c)
		rm.mu.Unlock()
		conn.Close()
	}()
	for {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			return
		}
		rm.broadcast(msg)
	}
}

// broadcast writes msg to every connection. A failed write is left for
// that connection's reader to notice: its read fails too.
func (rm *room) broadcast(msg []byte) {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	for c := range rm.conns {
		c.mu.Lock()
		c.conn.WriteMessage(websocket.BinaryMessage, msg)
		c.mu.Unlock()
	}
}
