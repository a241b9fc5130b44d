package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/asyncgo/async/delayserver"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen on `host:port`; port 0 picks a free port")
	impl := delayserver.NetHTTP
	flag.Var(&impl, "impl", "serve with `nethttp|async`: Go's net/http (the default), or the runtime's http1.Server")
	flag.Usage = usage
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "delayserver: unexpected arguments %q\n", flag.Args())
		usage()
		os.Exit(2)
	}
	if err := run(impl, *addr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: delayserver [-addr host:port] [-impl nethttp|async]")
	flag.PrintDefaults()
}

// run serves on addr with impl until SIGINT or SIGTERM arrives.
func run(impl delayserver.Impl, addr string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := delayserver.Start(impl, addr, os.Stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "listening on %s (%v)\n", srv.URL(), impl)
	<-ctx.Done()
	// Restore default signal handling so that a second ^C kills the
	// process even if shutting down hangs.
	stop()
	return srv.Close()
}
