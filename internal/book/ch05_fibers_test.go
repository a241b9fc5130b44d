package book

import (
	"fmt"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// TestChapter5Fibers checks the book's output line for line: the fibers
// take turns while both run, then fiber 2 runs alone.
func TestChapter5Fibers(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer checkFDs(t)()

	var out strings.Builder
	if err := Chapter5Fibers(&out); err != nil {
		t.Fatalf("Chapter5Fibers: %v", err)
	}

	var want strings.Builder
	want.WriteString("THREAD 1 STARTING\nthread: 1 counter: 0\nTHREAD 2 STARTING\nthread: 2 counter: 0\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&want, "thread: 1 counter: %d\nthread: 2 counter: %d\n", i, i)
	}
	want.WriteString("THREAD 1 FINISHED\n")
	for i := 10; i < 15; i++ {
		fmt.Fprintf(&want, "thread: 2 counter: %d\n", i)
	}
	want.WriteString("THREAD 2 FINISHED\nFINISHED\n")
	if out.String() != want.String() {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want.String())
	}
}

// TestChapter5FibersWriteError checks that a failing writer is reported.
func TestChapter5FibersWriteError(t *testing.T) {
	defer goleak.VerifyNone(t)
	err := Chapter5Fibers(failingWriter{})
	if err == nil || !strings.Contains(err.Error(), "write output") {
		t.Errorf("Chapter5Fibers to a failing writer: error %v; want a write error", err)
	}
}
