// Command wsasync is the broadcast server of the WebSocket comparison on
// the runtime: package websocket's Upgrader on an http1.Server, on a
// current-thread executor. Every message a client sends goes to every
// connected client, the sender included. GET / upgrades (no compression,
// no keep-alive pings); GET /memstats answers the Go heap (package
// memstat). It shuts down on SIGINT or SIGTERM.
//
//	wsasync -addr 127.0.0.1:8080                  # coroutines
//	wsasync -addr 127.0.0.1:8080 -tasks futures   # hand-written futures
//
// The room is a broadcast channel, as in the runtime's own chat example
// (examples/chat): each connection's handler upgrades, reads the client's
// messages and sends them to the room, and spawns a writer task that
// relays the room's messages to the connection with WriteMessage. The
// channel's ring of 256 messages is each client's queue, as gorilla's chat
// example gives each a channel of 256: a client that falls further behind
// is dropped, and a sender never waits for anyone.
//
// -tasks chooses how the handler and the writer are written:
//
//   - coroutines (the default) is what a user of the runtime writes, and
//     what the package docs show: each is an async.Do coroutine, a
//     function that awaits one future after another. A suspended
//     coroutine holds a goroutine's stack.
//   - futures is the same two tasks as hand-written state machines
//     (async.Future implementations), the runtime's fast path: an idle
//     connection then holds its Conn, its socket, two small structs and
//     two tasks, and no stack.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/bench/internal/memstat"
	"github.com/asyncgo/async/broadcast"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/signals"
	"github.com/asyncgo/async/tcp"
	"github.com/asyncgo/async/websocket"
)

// queue is how many messages a client may fall behind before it is
// dropped.
const queue = 256

// room relays every message to every connection.
type room struct {
	up  websocket.Upgrader
	all *broadcast.Sender[[]byte]
	// serveWS serves an upgrade request: serveCoroutine or serveFuture.
	serveWS func(rm *room, w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}]
}

func newRoom(serveWS func(*room, *http1.ResponseWriter, *http1.Request) async.Future[struct{}]) *room {
	all, own := broadcast.New[[]byte](queue)
	own.Close() // each connection subscribes; the room needs no receiver of its own
	return &room{all: all, serveWS: serveWS}
}

// serveHTTP routes a request: / upgrades, /memstats reports the heap.
func (rm *room) serveHTTP(w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
	switch string(r.Path()) {
	case "/":
		return rm.serveWS(rm, w, r)
	case memstat.Path:
		return w.Send(200, memstat.Read().Encode())
	default:
		return w.Send(404, []byte("not found\n"))
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "TCP address to listen on (host:port)")
	tasks := flag.String("tasks", "coroutines", "how the handler and writer tasks are written: coroutines or futures")
	flag.Parse()
	var rm *room
	switch *tasks {
	case "coroutines":
		rm = newRoom(serveCoroutine)
	case "futures":
		rm = newRoom(serveFuture)
	default:
		fmt.Fprintf(os.Stderr, "wsasync: -tasks %q: want coroutines or futures\n", *tasks)
		os.Exit(2)
	}
	if err := run(rm, *addr); err != nil {
		fmt.Fprintln(os.Stderr, "wsasync:", err)
		os.Exit(1)
	}
}

// run serves on a current-thread executor until a signal, then shuts
// down with a grace of 5 s.
func run(rm *room, addr string) error {
	l, err := tcp.Listen(addr)
	if err != nil {
		return err
	}
	srv := &http1.Server{Handler: http1.HandlerFunc(rm.serveHTTP)}
	err, runErr := executor.Run(async.Go(func(co *async.Co) error {
		r := async.Await(co, async.Select2(srv.Serve(l), signals.Wait(os.Interrupt, syscall.SIGTERM)))
		if r.Index == 0 {
			return r.V1
		}
		return async.Await(co, srv.Shutdown(5*time.Second))
	}))
	return errors.Join(err, runErr)
}
