package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/asyncgo/async/internal/book"
)

func main() {
	server := flag.String("server", "127.0.0.1:8080", "the delayserver's `host:port`; host is an IP address or localhost")
	flag.Usage = usage
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "coroutine: unexpected arguments %q\n", flag.Args())
		usage()
		os.Exit(2)
	}
	if err := book.Chapter7Coroutine(os.Stdout, *server); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: coroutine [-server host:port]")
	flag.PrintDefaults()
}
