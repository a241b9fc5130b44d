// Command fasthttphello is the "Hello, World!" server a typical fasthttp
// program would write: every request, whatever its method and path, gets
// 200 and "Hello, World!". fasthttp reads each request body whole before
// the handler runs; the handler drops it. Keep-alive is fasthttp's
// default. It runs with GOMAXPROCS set to -procs (1 by default, as the
// comparison pins it to one CPU) and shuts down gracefully on SIGINT or
// SIGTERM.
//
//	fasthttphello -addr 127.0.0.1:8080
package main

import (
	"context"
	"flag"
	"log"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/valyala/fasthttp"
)

var hello = []byte("Hello, World!")

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "TCP address to listen on (host:port)")
	procs := flag.Int("procs", 1, "GOMAXPROCS")
	flag.Parse()
	runtime.GOMAXPROCS(*procs)

	srv := &fasthttp.Server{Handler: serve, Name: "fasthttphello"}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe(*addr) }()
	select {
	case err := <-errc:
		log.Fatalf("fasthttphello: serve %s: %v", *addr, err)
	case <-ctx.Done():
	}
	if err := srv.Shutdown(); err != nil {
		log.Printf("fasthttphello: shutdown: %v", err)
	}
}

// serve answers "Hello, World!"; the body fasthttp read is dropped with
// the request.
func serve(ctx *fasthttp.RequestCtx) {
	ctx.SetBody(hello)
}
