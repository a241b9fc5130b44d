package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/asyncgo/async/delayserver"
	"github.com/asyncgo/async/internal/book"
)

// section is one part of the tour: a heading, and a function that shows
// one piece of the runtime against the delayserver at server ("host:port"),
// writing what it does to w.
type section struct {
	title string
	run   func(w io.Writer, server string) error
}

// sections returns the tour in the order it runs. A new part of the runtime
// (tasks, timers, coroutines, ...) shows itself by adding a section here.
func sections() []section {
	return []section{
		{"The event queue (book chapter 4)", eventQueue},
		{"Tasks and the executor (book chapters 7 and 8)", tasksAndExecutor},
		{"Timers and timeouts", timersAndTimeouts},
		{"Select", selectFirst},
		{"Coroutines: async/await the Go way (book chapters 5 and 7)", coroutines},
		{"Sockets: TCP and UDP", sockets},
		{"The multi-thread executor: workers, the blocking pool, shutdown", multiThread},
		{"Shared state: a semaphore, a task set, broadcast, cancellation", sharedState},
	}
}

func main() {
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: tour")
		fmt.Fprintln(os.Stderr, "Tour runs every demonstration of async in turn, against an in-process delayserver.")
	}
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "tour: unexpected arguments %q\n", flag.Args())
		flag.Usage()
		os.Exit(2)
	}
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tour:", err)
		os.Exit(1)
	}
}

// run starts a delayserver, runs every section against it, and closes it.
func run(stdout io.Writer) (err error) {
	// The sections and the server's log write to stdout from different
	// goroutines; one lock keeps their lines whole.
	out := &lockedWriter{w: stdout}
	srv, err := delayserver.Start(delayserver.NetHTTP, "127.0.0.1:0", &prefixWriter{w: out, prefix: "delayserver | "})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, srv.Close()) }()
	fmt.Fprintf(out, "delayserver listening on %s\n", srv.URL())

	for i, s := range sections() {
		fmt.Fprintf(out, "\n== %d. %s ==\n\n", i+1, s.title)
		if err := s.run(out, srv.Addr()); err != nil {
			return fmt.Errorf("section %d (%s): %w", i+1, s.title, err)
		}
	}
	return nil
}

// eventQueue runs the book's chapter-4 program at the book's pace, one
// second per step, and says what the time it took shows.
func eventQueue(w io.Writer, server string) error {
	const step = time.Second
	start := time.Now()
	if err := book.Chapter4Delays(w, server, step); err != nil {
		return err
	}
	elapsed := time.Since(start)
	_, err := fmt.Fprintf(w, "\nTook %.1fs: five requests with delays of 5+4+3+2+1 = 15s finished in about the longest delay, 5s, waited for together on one goroutine by one event queue.\n",
		elapsed.Seconds())
	return err
}

// lockedWriter serializes writes from several goroutines to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (lw *lockedWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.w.Write(p)
}

// prefixWriter writes to w with prefix at the start of every line, so that
// the server's log stands apart from the sections' output. Each Write goes
// to w in one piece, so whole lines stay whole.
type prefixWriter struct {
	w      io.Writer
	prefix string

	mu      sync.Mutex // guards midLine; the server logs from many goroutines
	midLine bool       // the last Write ended without a newline
}

func (pw *prefixWriter) Write(p []byte) (int, error) {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	var b []byte
	for line := range bytes.Lines(p) {
		if !pw.midLine {
			b = append(b, pw.prefix...)
		}
		b = append(b, line...)
		pw.midLine = line[len(line)-1] != '\n'
	}
	if _, err := pw.w.Write(b); err != nil {
		return 0, err
	}
	return len(p), nil
}
