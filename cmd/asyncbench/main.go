package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// subcommand is one family of benchmarks: `asyncbench NAME [flags]`. Each
// lives in files of its own.
type subcommand struct {
	name    string
	summary string
	// run parses args (the flags after the name) and runs the benchmarks,
	// writing results to stdout and everything else to stderr.
	run func(args []string, stdout, stderr io.Writer) error
}

func subcommands() []subcommand {
	return []subcommand{
		{"sched", "the scheduler: spawning, yielding, channels and timers, against goroutines", runSched},
		{"sync", "shared state: locks, a semaphore, broadcast and watch, against package sync and channels", runSync},
	}
}

// usageError is an error in the command line rather than in a benchmark;
// the command exits with status 2 for it, as the flag package does.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the subcommand named by args[0] and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range subcommands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(args[1:], stdout, stderr)
		var ue *usageError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "asyncbench %s: %v\n", c.name, err)
			fmt.Fprintf(stderr, "run 'asyncbench %s -h' for usage\n", c.name)
			return 2
		default:
			fmt.Fprintf(stderr, "asyncbench %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "asyncbench: unknown subcommand %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: asyncbench <subcommand> [flags]")
	fmt.Fprintln(w, "\nsubcommands:")
	for _, c := range subcommands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nrun 'asyncbench <subcommand> -h' for its flags")
}
