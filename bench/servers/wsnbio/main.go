// Command wsnbio is the broadcast server of the WebSocket comparison on
// nbio v1.6.8: nbhttp with one poller serves HTTP, and its websocket
// package's Upgrader takes the connections over. Every message a client
// sends goes to every connected client, the sender included: OnMessage
// writes it to each connection in turn (nbio's WriteMessage writes what
// the socket takes and queues the rest on the poller). GET / upgrades (no
// compression, any origin); GET /memstats answers the Go heap (package
// memstat). It shuts down on SIGINT or SIGTERM.
//
//	wsnbio -addr 127.0.0.1:8080
//
// The upgrader's read deadline (KeepaliveTime, 120 s by default, renewed
// by every message) is turned off: the other servers of the comparison
// have none, and a connection that stays idle through a long run must not
// be closed.
package main

import (
	"context"
	"flag"
	"log"
	"net/http"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/asyncgo/async/bench/internal/memstat"
	"github.com/lesismal/nbio/logging"
	"github.com/lesismal/nbio/nbhttp"
	"github.com/lesismal/nbio/nbhttp/websocket"
)

// room is the set of open connections. The handlers run on nbio's
// goroutines, several at once, so a mutex guards it.
type room struct {
	mu    sync.RWMutex
	conns map[*websocket.Conn]struct{}
}

func (rm *room) add(c *websocket.Conn) {
	rm.mu.Lock()
	rm.conns[c] = struct{}{}
	rm.mu.Unlock()
}

func (rm *room) remove(c *websocket.Conn, _ error) {
	rm.mu.Lock()
	delete(rm.conns, c)
	rm.mu.Unlock()
}

// broadcast writes msg to every connection; nbio's Conn takes one writer
// at a time under its own lock. A connection whose write fails is closed
// by nbio, which then calls remove.
func (rm *room) broadcast(_ *websocket.Conn, t websocket.MessageType, msg []byte) {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	for c := range rm.conns {
		c.WriteMessage(t, msg)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "TCP address to listen on (host:port)")
	flag.Parse()
	logging.SetLevel(logging.LevelError)

	rm := &room{conns: make(map[*websocket.Conn]struct{})}
	u := websocket.NewUpgrader()
	u.KeepaliveTime = 0
	u.CheckOrigin = func(*http.Request) bool { return true }
	u.OnOpen(rm.add)
	u.OnClose(rm.remove)
	u.OnMessage(rm.broadcast)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		u.Upgrade(w, r, nil) // on failure it has answered the request
	})
	mux.HandleFunc("GET "+memstat.Path, func(w http.ResponseWriter, r *http.Request) { w.Write(memstat.Read().Encode()) })

	engine := nbhttp.NewEngine(nbhttp.Config{
		Network: "tcp",
		Addrs:   []string{*addr},
		NPoller: 1,
		Handler: mux,
	})
	if err := engine.Start(); err != nil {
		log.Fatalf("wsnbio: serve %s: %v", *addr, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := engine.Shutdown(shut); err != nil {
		log.Printf("wsnbio: shutdown: %v", err)
	}
}
