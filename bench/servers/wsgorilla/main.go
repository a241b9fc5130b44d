// Command wsgorilla is the broadcast server of the WebSocket comparison on
// gorilla/websocket v1.5.3 and net/http: every message a client sends goes
// to every connected client, the sender included, as gorilla's chat
// example does it. GET / upgrades (no compression, any origin); GET
// /memstats answers the Go heap (package memstat). It shuts down on
// SIGINT or SIGTERM.
//
//	wsgorilla -addr 127.0.0.1:8080                # the chat example's hub
//	wsgorilla -addr 127.0.0.1:8080 -writer mutex  # writes from the sender's goroutine
//
// -writer chooses how a broadcast reaches the connections:
//
//   - hub (the default) is gorilla's chat example: one hub goroutine owns
//     the set of clients; each client has a reading goroutine that hands
//     what it reads to the hub, and a writing goroutine fed by a buffered
//     channel of 256 messages that the hub fills. A client whose channel
//     is full is dropped, so a slow one never stalls the rest. That is two
//     goroutines and a channel per connection, and a hand-off between
//     goroutines per delivery.
//   - mutex keeps the set under a mutex and writes each broadcast to every
//     connection from the goroutine that read it, under a mutex per
//     connection (gorilla allows one writer at a time): one goroutine per
//     connection, no hand-off, but a client that does not read stalls
//     every broadcast behind it once its socket buffer is full.
//
// The chat example's keep-alive pings and read deadlines are left out, as
// in the other servers of the comparison. Like it, the upgrader has 1 KiB
// read and write buffers, kept for the connection's life.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/asyncgo/async/bench/internal/memstat"
	"github.com/gorilla/websocket"
)

// upgrader is the chat example's: 1 KiB buffers, no compression. Any
// origin is accepted, since the load generator sends none anyway.
var upgrader = websocket.Upgrader{
	ReadBufferSize:  1024,
	WriteBufferSize: 1024,
	CheckOrigin:     func(*http.Request) bool { return true },
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "TCP address to listen on (host:port)")
	writer := flag.String("writer", "hub", "how broadcasts are written: hub (gorilla's chat example) or mutex")
	flag.Parse()

	var serveWS http.HandlerFunc
	switch *writer {
	case "hub":
		h := newHub()
		go h.run()
		serveWS = h.serve
	case "mutex":
		serveWS = newRoom().serve
	default:
		fmt.Fprintf(os.Stderr, "wsgorilla: -writer %q: want hub or mutex\n", *writer)
		os.Exit(2)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", serveWS)
	mux.HandleFunc("GET "+memstat.Path, func(w http.ResponseWriter, r *http.Request) { w.Write(memstat.Read().Encode()) })

	srv := &http.Server{Addr: *addr, Handler: mux}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		log.Fatalf("wsgorilla: serve %s: %v", *addr, err)
	case <-ctx.Done():
	}
	// Shutdown does not wait for hijacked connections: they end with the
	// process.
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		log.Printf("wsgorilla: shutdown: %v", err)
	}
}
