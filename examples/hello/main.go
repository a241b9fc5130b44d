// Command hello is the HTTP/1.1 server that bench/ measures: it answers
// every well-formed request, whatever its method and path, with 200 and
// "Hello, World!", reading and discarding any body, and rejects malformed
// ones with the status the http1 package gives them.
//
//	go run ./examples/hello -addr 127.0.0.1:8080
//	go run ./examples/hello -handler nethttp
//
// -handler picks how the answer is written: native (the default) is an
// http1.Handler, a future per request polled in the connection's task;
// nethttp is a net/http Handler run by the http1/nethttp adapter on a
// goroutine of the executor's blocking pool, while the connection stays
// on the event loop. -threads N serves on a multi-thread executor with N
// workers (1, the default, is the current-thread executor).
//
// It prints the address it listens on, then serves until SIGINT or
// SIGTERM, when it shuts down gracefully; -cpuprofile writes a CPU
// profile meanwhile.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/http1/nethttp"
	"github.com/asyncgo/async/signals"
	"github.com/asyncgo/async/tcp"
)

var hello = []byte("Hello, World!")

// native answers with the body, reading and discarding any request body:
// the server drains what the handler leaves unread (up to its
// MaxDrainBytes), so the handler need not.
func native(w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
	w.Header().Set("Content-Type", "text/plain")
	return w.Send(200, hello)
}

// netHTTP is the same answer as a net/http handler. It reads the body to
// its end, as a net/http handler should before answering.
func netHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "text/plain")
	w.Write(hello)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "the `host:port` to listen on; port 0 picks one")
	handler := flag.String("handler", "native", "the handler: native or nethttp")
	threads := flag.Int("threads", 1, "serve on a current-thread executor (1) or a multi-thread one with `N` workers")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to `file` until interrupted")
	flag.Parse()
	srv := &http1.Server{}
	switch *handler {
	case "native":
		srv.Handler = http1.HandlerFunc(native)
	case "nethttp":
		srv.Handler = nethttp.Handler(http.HandlerFunc(netHTTP))
	default:
		fmt.Fprintf(os.Stderr, "hello: -handler %q: want native or nethttp\n", *handler)
		os.Exit(2)
	}
	if *threads < 1 {
		fmt.Fprintln(os.Stderr, "hello: -threads must be 1 or more")
		os.Exit(2)
	}
	if err := run(srv, *addr, *threads, *cpuProfile); err != nil {
		fmt.Fprintln(os.Stderr, "hello:", err)
		os.Exit(1)
	}
}

func run(srv *http1.Server, addr string, threads int, cpuProfile string) error {
	l, err := tcp.Listen(addr)
	if err != nil {
		return err
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Println("hello: listening on", l.Addr())
	var opts []executor.Option
	if threads > 1 {
		opts = append(opts, executor.WithWorkers(threads))
	}
	err, runErr := executor.Run(serve(srv, l), opts...)
	return errors.Join(err, runErr)
}

// serve serves until a signal, then shuts down with a grace of 5 s.
func serve(srv *http1.Server, l *tcp.Listener) async.Future[error] {
	return async.Go(func(co *async.Co) error {
		r := async.Await(co, async.Select2(srv.Serve(l), signals.Wait(os.Interrupt, syscall.SIGTERM)))
		if r.Index == 0 {
			return r.V1
		}
		return async.Await(co, srv.Shutdown(5*time.Second))
	})
}
