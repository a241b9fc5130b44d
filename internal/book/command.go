package book

import (
	"flag"
	"fmt"
	"io"
	"os"
)

// Main is the whole of an example command whose program talks to a
// delayserver: it parses the -server flag, runs program with standard
// output, and exits 1 with the error if the program fails (2 on bad usage).
func Main(name string, program func(w io.Writer, server string) error) {
	server := flag.String("server", "127.0.0.1:8080", "the delayserver's `host:port`; host is an IP address or localhost")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: %s [-server host:port]\n", name)
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "%s: unexpected arguments %q\n", name, flag.Args())
		flag.Usage()
		os.Exit(2)
	}
	if err := program(os.Stdout, *server); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
