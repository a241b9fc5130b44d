package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// needTaskset fails the test where taskset is missing: the harness pins
// every process with it, so without it nothing here can run.
func needTaskset(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("taskset"); err != nil {
		t.Fatalf("echobench needs taskset (Debian's util-linux): %v", err)
	}
}

func TestChildLinesAndExit(t *testing.T) {
	needTaskset(t)
	p := newProcs()
	defer p.killAll()
	c, err := p.startPinned("sh", "0", driven, "/bin/sh", "-c", "echo one; echo broken >&2; exit 3")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.expectLine(ctx, "one", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	_, err = c.expect(ctx, "more", 10*time.Second)
	if err == nil || !strings.Contains(err.Error(), "exited") || !strings.Contains(err.Error(), "broken") {
		t.Errorf("expect after exit: %v; want an exit error quoting stderr", err)
	}
}

func TestChildKillAndStop(t *testing.T) {
	needTaskset(t)
	p := newProcs()
	// A shell with a child of its own: killing the group must take both.
	a, err := p.startPinned("sleeper", "0", driven, "/bin/sh", "-c", "sleep 60 & sleep 60")
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.startPinned("reader", "0", driven, "/bin/sh", "-c", "cat >/dev/null")
	if err != nil {
		t.Fatal(err)
	}
	b.stop(10 * time.Second) // closing stdin ends cat on its own
	if b.err != nil {
		t.Errorf("reader exited with %v, want a clean exit on EOF", b.err)
	}
	_, err = a.expect(context.Background(), "a line", 50*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "within") {
		t.Errorf("expect on a silent child: %v; want a timeout", err)
	}
	p.killAll()
	if !a.exited() {
		t.Error("killAll left the sleeper running")
	}
	p.mu.Lock()
	n := len(p.m)
	p.mu.Unlock()
	if n != 0 {
		t.Errorf("%d children still registered after killAll", n)
	}
}

func TestTail(t *testing.T) {
	tl := newTail(8)
	tl.Write([]byte("hello "))
	tl.Write([]byte("world\nagain"))
	if got := tl.String(); got != "ld again" {
		t.Errorf("tail = %q, want %q", got, "ld again")
	}
	if got := newTail(8).String(); got != "(empty)" {
		t.Errorf("empty tail = %q", got)
	}
}
