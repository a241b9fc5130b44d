package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// syncLine is the format of every result line sync prints on stdout.
var syncLine = regexp.MustCompile(`^[a-z_0-9]+ (async|async-mt|goroutines) [0-9]+ ns/op [0-9.]+ allocs/op$`)

// TestSyncShapes runs every shared-state shape in every implementation at
// a small size and checks that each did its work (a shape that loses an
// operation fails) and printed its line and its table row.
func TestSyncShapes(t *testing.T) {
	var stdout, stderr bytes.Buffer
	args := []string{"-n", "2000", "-runs", "1"}
	if err := runSync(args, &stdout, &stderr); err != nil {
		t.Fatalf("sync %q: %v\nstderr:\n%s", args, err, &stderr)
	}
	out := stdout.String()
	lines, table, _ := strings.Cut(out, "\n\n")
	got := strings.Split(lines, "\n")
	if want := len(syncShapes()) * len(implNames); len(got) != want {
		t.Fatalf("sync printed %d result lines, want %d:\n%s", len(got), want, out)
	}
	for _, l := range got {
		if !syncLine.MatchString(l) {
			t.Errorf("result line %q does not match %v", l, syncLine)
		}
	}
	for _, s := range syncShapes() {
		if !strings.Contains(table, "| "+s.name+" |") {
			t.Errorf("the table has no row for %s:\n%s", s.name, table)
		}
	}
}

// TestSyncBadFlags checks that a bad command line is a usage error.
func TestSyncBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-only", "nope"}, {"-impl", "threads"}, {"-workers", "0"}, {"-runs", "0"}, {"-n", "-1"}, {"extra"},
	} {
		var stdout, stderr bytes.Buffer
		err := runSync(args, &stdout, &stderr)
		if _, ok := err.(*usageError); !ok {
			t.Errorf("sync %q: got %v, want a usage error", args, err)
		}
	}
}
