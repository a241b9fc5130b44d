package pin

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
		t.Fatalf("pin needs taskset (Debian's util-linux): %v", err)
	}
}

func TestChildLinesAndExit(t *testing.T) {
	needTaskset(t)
	p := NewGroup()
	defer p.KillAll()
	c, err := p.Start("sh", "0", Options{Driven: true}, "/bin/sh", "-c", "echo one; echo broken >&2; exit 3")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.ExpectLine(ctx, "one", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	_, err = c.Expect(ctx, "more", 10*time.Second)
	if err == nil || !strings.Contains(err.Error(), "exited") || !strings.Contains(err.Error(), "broken") {
		t.Errorf("expect after exit: %v; want an exit error quoting stderr", err)
	}
}

func TestChildTell(t *testing.T) {
	needTaskset(t)
	p := NewGroup()
	defer p.KillAll()
	c, err := p.Start("sh", "0", Options{Driven: true}, "/bin/sh", "-c", "read x; echo got $x")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Tell("go"); err != nil {
		t.Fatal(err)
	}
	if err := c.ExpectLine(context.Background(), "got go", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	quiet, err := p.Start("quiet", "0", Options{}, "/bin/true")
	if err != nil {
		t.Fatal(err)
	}
	if err := quiet.Tell("go"); err == nil || !strings.Contains(err.Error(), "not driven") {
		t.Errorf("Tell to a child that is not driven: %v; want an error saying so", err)
	}
}

func TestChildKillAndStop(t *testing.T) {
	needTaskset(t)
	p := NewGroup()
	// A shell with a child of its own: killing the group must take both.
	a, err := p.Start("sleeper", "0", Options{Driven: true}, "/bin/sh", "-c", "sleep 60 & sleep 60")
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Start("reader", "0", Options{Driven: true}, "/bin/sh", "-c", "cat >/dev/null")
	if err != nil {
		t.Fatal(err)
	}
	b.Stop(10 * time.Second) // closing stdin ends cat on its own
	if b.Err() != nil {
		t.Errorf("reader exited with %v, want a clean exit on EOF", b.Err())
	}
	_, err = a.Expect(context.Background(), "a line", 50*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "within") {
		t.Errorf("expect on a silent child: %v; want a timeout", err)
	}
	p.KillAll()
	if !a.Exited() {
		t.Error("killAll left the sleeper running")
	}
	if n := p.Len(); n != 0 {
		t.Errorf("%d children still registered after killAll", n)
	}
}

func TestTail(t *testing.T) {
	tl := NewTail(8)
	tl.Write([]byte("hello "))
	tl.Write([]byte("world\nagain"))
	if got := tl.String(); got != "ld again" {
		t.Errorf("tail = %q, want %q", got, "ld again")
	}
	if got := NewTail(8).String(); got != "(empty)" {
		t.Errorf("empty tail = %q", got)
	}
}

func TestWaitListening(t *testing.T) {
	needTaskset(t)
	p := NewGroup()
	defer p.KillAll()
	addr, err := FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.Start("quitter", "0", Options{}, "/bin/sh", "-c", "echo gone; exit 1")
	if err != nil {
		t.Fatal(err)
	}
	err = c.WaitListening(context.Background(), addr, 10*time.Second)
	if err == nil || !strings.Contains(err.Error(), "before listening") || !strings.Contains(err.Error(), "output: gone") {
		t.Errorf("WaitListening on a child that exits: %v; want an exit error quoting its output", err)
	}
}
