// Command nbhttphello is the "Hello, World!" server on nbio's nbhttp with
// one poller: every request, whatever its method and path, gets 200 and
// "Hello, World!" once its body has been read and dropped. The handler is
// a plain http.Handler, which nbhttp runs on its default goroutine pool.
// It runs with GOMAXPROCS set to -procs (1 by default, as the comparison
// pins it to one CPU) and shuts down gracefully on SIGINT or SIGTERM.
//
//	nbhttphello -addr 127.0.0.1:8080
package main

import (
	"context"
	"flag"
	"io"
	"log"
	"net/http"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/lesismal/nbio/logging"
	"github.com/lesismal/nbio/nbhttp"
)

var hello = []byte("Hello, World!")

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "TCP address to listen on (host:port)")
	procs := flag.Int("procs", 1, "GOMAXPROCS")
	flag.Parse()
	runtime.GOMAXPROCS(*procs)
	logging.SetLevel(logging.LevelError)

	engine := nbhttp.NewEngine(nbhttp.Config{
		Network: "tcp",
		Addrs:   []string{*addr},
		NPoller: 1,
		Handler: http.HandlerFunc(serve),
	})
	if err := engine.Start(); err != nil {
		log.Fatalf("nbhttphello: serve %s: %v", *addr, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := engine.Shutdown(shut); err != nil {
		log.Printf("nbhttphello: shutdown: %v", err)
	}
}

// helloLen is hello's Content-Length. nbhttp does not size a response
// by itself: without it every answer would be chunked, unlike the other
// servers'.
var helloLen = strconv.Itoa(len(hello))

// serve drops the request body and answers "Hello, World!".
func serve(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Length", helloLen)
	w.Write(hello)
}
