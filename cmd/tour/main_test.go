package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// TestTour runs the whole tour, as `go run ./cmd/tour` does, and checks
// that every section ran and finished: the README's first command must
// keep working.
func TestTour(t *testing.T) {
	defer goleak.VerifyNone(t)
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatalf("tour: %v\n%s", err, out.String())
	}
	text := out.String()
	for i, s := range sections() {
		if heading := fmt.Sprintf("== %d. %s ==", i+1, s.title); !strings.Contains(text, heading) {
			t.Errorf("the tour did not print %q", heading)
		}
	}
	for _, want := range []string{"FINISHED", "request-0", "deadline exceeded", "awaited timer.Sleep", `echoed "hello from client 2"`, `which answered "pong"`,
		"found 27608 primes below 320000", `the sleeper's handle reports "async: executor shut down"`,
		"in three waves of two", `listener 2 heard "world"`, "listener 2: cancel: cancelled"} {
		if !strings.Contains(text, want) {
			t.Errorf("the tour's output lacks %q", want)
		}
	}
}
