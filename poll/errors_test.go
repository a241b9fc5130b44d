//go:build linux

package poll_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/asyncgo/async/poll"
	"golang.org/x/sys/unix"
)

func TestDeregisteredSourceReportsNothing(t *testing.T) {
	p := newPoller(t)
	ev := poll.NewEvents(16)
	a, b := socketPair(t)
	register(t, p, a, 1, poll.ReadWrite, poll.Level)
	waitFor(t, p, ev, 1)
	if err := p.Deregister(a); err != nil {
		t.Fatal(err)
	}
	write(t, b, "x")
	quiet(t, p, ev)
}

func TestRegisterClosedFD(t *testing.T) {
	p := newPoller(t)
	a, _ := socketPair(t)
	unix.Close(a)
	err := p.Register(a, 1, poll.Readable, poll.Edge)
	if !errors.Is(err, unix.EBADF) {
		t.Fatalf("Register(closed fd) = %v, want EBADF", err)
	}
	if !strings.Contains(err.Error(), "register fd") {
		t.Fatalf("error %q does not say what failed", err)
	}
}

func TestDeregisterUnknownFD(t *testing.T) {
	p := newPoller(t)
	a, _ := socketPair(t)
	err := p.Deregister(a)
	if !errors.Is(err, poll.ErrNotRegistered) {
		t.Fatalf("Deregister(unknown fd) = %v, want ErrNotRegistered", err)
	}
	if err := p.Reregister(a, 1, poll.Readable, poll.Edge); !errors.Is(err, poll.ErrNotRegistered) {
		t.Fatalf("Reregister(unknown fd) = %v, want ErrNotRegistered", err)
	}
}

func TestRegisterTwice(t *testing.T) {
	p := newPoller(t)
	a, _ := socketPair(t)
	register(t, p, a, 1, poll.Readable, poll.Edge)
	if err := p.Register(a, 2, poll.Readable, poll.Edge); !errors.Is(err, poll.ErrAlreadyRegistered) {
		t.Fatalf("second Register = %v, want ErrAlreadyRegistered", err)
	}
}

func TestRegisterRejectsBadArguments(t *testing.T) {
	p := newPoller(t)
	a, _ := socketPair(t)
	cases := []struct {
		name string
		fd   int
		tok  poll.Token
		in   poll.Interest
		mode poll.Mode
	}{
		{"negative fd", -1, 1, poll.Readable, poll.Edge},
		{"no interest", a, 1, 0, poll.Edge},
		{"unknown interest", a, 1, 8, poll.Edge},
		{"unknown mode", a, 1, poll.Readable, 9},
		{"reserved token", a, ^poll.Token(0), poll.Readable, poll.Edge},
	}
	for _, c := range cases {
		if err := p.Register(c.fd, c.tok, c.in, c.mode); err == nil {
			t.Errorf("%s: Register succeeded", c.name)
		}
	}
}

func TestClosedPoller(t *testing.T) {
	checkFDs(t)
	p, err := poll.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	a, _ := socketPair(t)
	ev := poll.NewEvents(1)
	for name, err := range map[string]error{
		"Register": p.Register(a, 1, poll.Readable, poll.Edge),
		"Wait":     p.Wait(ev, 0),
		"Wake":     p.Wake(),
		"Close":    p.Close(),
	} {
		if !errors.Is(err, poll.ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", name, err)
		}
	}
}
