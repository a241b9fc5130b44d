package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The lines soak and its children exchange. A child writes one line when
// it is ready, then answers each request line on its stdin with one line
// on its stdout, and finishes when its stdin ends. The server is
// examples/echo, which prints its address itself and answers through
// echostats.go:
//
//	server → "echo: listening on 127.0.0.1:40123"
//	load   → "ready"                       every connection echoed once
//	soak   → "stats"
//	server → "goroutines 4"                runtime.NumGoroutine()
//	load   → "messages 1234567"            echoes checked so far
const (
	answerListening  = "echo: listening on"
	answerReady      = "ready"
	requestStats     = "stats"
	answerGoroutines = "goroutines"
	answerMessages   = "messages"
)

// answer reads requests from r, a line each, and writes respond's answer
// to each as a line on w, until r ends (it then returns nil) or respond or
// a write fails.
func answer(r io.Reader, w io.Writer, respond func(req string) (string, error)) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		a, err := respond(sc.Text())
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintln(w, a); err != nil {
			return fmt.Errorf("answer %q: %w", sc.Text(), err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read requests: %w", err)
	}
	return nil
}

// parseCount returns n from a line "<name> <n>".
func parseCount(line, name string) (uint64, error) {
	v, ok := strings.CutPrefix(line, name+" ")
	if !ok {
		return 0, fmt.Errorf("answer %q: want %q and a count", line, name)
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("answer %q: %w", line, err)
	}
	return n, nil
}
