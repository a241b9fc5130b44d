//go:build soakecho

// This file is not part of soak: soak builds examples/echo with it added
// to that package, through go build's -overlay, so that the server it
// soaks is examples/echo itself, with this one side channel for its
// goroutine count. It is compiled only with the soakecho build tag, which
// soak's build of the server sets.

package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"syscall"
)

func init() { go soakAnswerStats() }

// soakAnswerStats answers each "stats" line on stdin with "goroutines N",
// N from runtime.NumGoroutine, which counts this goroutine too. When
// stdin ends it sends the process SIGTERM, on which echo closes its
// listener and shuts down cleanly.
func soakAnswerStats() {
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		if sc.Text() != "stats" {
			fmt.Fprintf(os.Stderr, "echo: soak: unknown request %q\n", sc.Text())
			os.Exit(2)
		}
		fmt.Printf("goroutines %d\n", runtime.NumGoroutine())
	}
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
}
