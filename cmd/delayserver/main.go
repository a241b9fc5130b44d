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
	flag.Usage = usage
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "delayserver: unexpected arguments %q\n", flag.Args())
		usage()
		os.Exit(2)
	}
	if err := run(*addr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: delayserver [-addr host:port]")
	flag.PrintDefaults()
}

// run serves on addr until SIGINT or SIGTERM arrives.
func run(addr string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := delayserver.Start(addr, os.Stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "listening on %s\n", srv.URL())
	<-ctx.Done()
	// Restore default signal handling so that a second ^C kills the
	// process even if shutting down hangs.
	stop()
	return srv.Close()
}
