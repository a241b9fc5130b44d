package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/asyncgo/async/internal/book"
)

func main() {
	flag.Usage = usage
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "fibers: unexpected arguments %q\n", flag.Args())
		usage()
		os.Exit(2)
	}
	if err := book.Chapter5Fibers(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: fibers")
	fmt.Fprintln(os.Stderr, "Fibers runs the green threads of chapter 5; it needs no server.")
}
