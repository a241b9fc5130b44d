package main

import (
	"net/http"

	"github.com/gorilla/websocket"
)

// sendQueue is each client's channel of messages waiting to be written,
// as in gorilla's chat example.
const sendQueue = 256

// hub owns the set of clients: only its goroutine (run) touches clients;
// everyone else talks to it through the channels.
type hub struct {
	clients    map[*client]struct{}
	broadcast  chan []byte
	register   chan *client
	unregister chan *client
}

// client is one connection: its reading goroutine (readPump) and writing
// goroutine (writePump), and the queue between the hub and the writer.
type client struct {
	hub  *hub
	conn *websocket.Conn
	send chan []byte
}

func newHub() *hub {
	return &hub{
		clients:    make(map[*client]struct{}),
		broadcast:  make(chan []byte),
		register:   make(chan *client),
		unregister: make(chan *client),
	}
}

// run adds and removes clients and queues every broadcast for each; a
// client whose queue is full is dropped rather than waited for.
func (h *hub) run() {
	for {
		select {
		case c := <-h.register:
			h.clients[c] = struct{}{}
		case c := <-h.unregister:
			if _, ok := h.clients[c]; ok {
				delete(h.clients, c)
				close(c.send)
			}
		case msg := <-h.broadcast:
			for c := range h.clients {
				select {
				case c.send <- msg:
				default:
					delete(h.clients, c)
					close(c.send)
				}
			}
		}
	}
}

// serve upgrades the request and starts the client's two goroutines; the
// handler's own goroutine then returns, as in the chat example.
func (h *hub) serve(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade answered the request with an error
	}
	c := &client{hub: h, conn: conn, send: make(chan []byte, sendQueue)}
	h.register <- c
	go c.writePump()
	go c.readPump()
}

// readPump hands every message the client sends to the hub, until the
// connection fails or closes.
func (c *client) readPump() {
	defer func() {
		c.hub.unregister <- c
		c.conn.Close()
	}()
	for {
		_, msg, err := c.conn.ReadMessage()
		if err != nil {
			return
		}
		c.hub.broadcast <- msg
	}
}

// writePump writes what the hub queues, each message a binary frame,
// until the hub closes the queue or a write fails. (The chat example
// joins queued text messages with newlines into one frame; binary
// messages keep their bounds here.)
func (c *client) writePump() {
	defer c.conn.Close()
	for msg := range c.send {
		if err := c.conn.WriteMessage(websocket.BinaryMessage, msg); err != nil {
			return
		}
	}
	c.conn.WriteMessage(websocket.CloseMessage, nil)
}
