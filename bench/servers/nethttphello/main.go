// Command nethttphello is the "Hello, World!" server a typical Go program
// would write with net/http: every request, whatever its method and path,
// gets 200 and "Hello, World!" once its body has been read and dropped.
// Keep-alive is net/http's default. It runs with GOMAXPROCS set to -procs
// (1 by default, as the comparison pins it to one CPU) and shuts down
// gracefully on SIGINT or SIGTERM.
//
//	nethttphello -addr 127.0.0.1:8080
package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"log"
	"net/http"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

var hello = []byte("Hello, World!")

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "TCP address to listen on (host:port)")
	procs := flag.Int("procs", 1, "GOMAXPROCS")
	flag.Parse()
	runtime.GOMAXPROCS(*procs)

	srv := &http.Server{Addr: *addr, Handler: http.HandlerFunc(serve)}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		log.Fatalf("nethttphello: serve %s: %v", *addr, err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		log.Printf("nethttphello: shutdown: %v", err)
	}
}

// serve drops the request body and answers "Hello, World!".
func serve(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	w.Write(hello)
}
