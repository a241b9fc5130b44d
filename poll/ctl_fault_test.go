package poll_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async/poll"
)

// The tests of this file make the kernel calls of the Poller fail through
// the package's fault seam (poll.InjectFaults, in export_test.go). They
// use nothing Linux's own, so that they run on the kqueue systems too,
// where one registration is two kernel calls and a failure half way
// through has something to undo.

// faultPoller returns a Poller and a connected pair of non-blocking Unix
// stream sockets, closed when the test ends.
func faultPoller(t *testing.T) (*poll.Poller, [2]int) {
	t.Helper()
	p, err := poll.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, faultSockets(t)
}

func faultSockets(t *testing.T) [2]int {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		unix.Close(fds[0])
		unix.Close(fds[1])
	})
	return fds
}

// events waits up to 100 ms for events and returns them.
func events(t *testing.T, p *poll.Poller, ev *poll.Events) []poll.Event {
	t.Helper()
	if err := p.Wait(ev, 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	return ev.List()
}

// callsPerRegister measures how many kernel calls a registration for
// reading and writing makes: one epoll_ctl, or one kevent per filter.
func callsPerRegister(t *testing.T, fs *poll.Faults) int {
	t.Helper()
	p, fds := faultPoller(t)
	before := fs.CtlCalls("register")
	if err := p.Register(fds[0], 1, poll.ReadWrite, poll.Edge); err != nil {
		t.Fatal(err)
	}
	return fs.CtlCalls("register") - before
}

// TestRegisterFaultLeavesNothing fails a registration at each of its
// kernel calls in turn, with ENOMEM and with ENOSPC (past
// fs.epoll.max_user_watches). Register must return the error, naming the
// change and the descriptor, and leave nothing registered: a later
// registration of the descriptor for writing alone reports no reading,
// which a read filter left over from the failed attempt would.
func TestRegisterFaultLeavesNothing(t *testing.T) {
	fs := poll.InjectFaults(t)
	calls := callsPerRegister(t, fs)
	for _, errno := range []unix.Errno{unix.ENOMEM, unix.ENOSPC} {
		for skip := range calls {
			p, fds := faultPoller(t)
			fs.FailCtl("register", skip, 1, errno)
			err := p.Register(fds[0], 1, poll.ReadWrite, poll.Edge)
			if !errors.Is(err, errno) || !strings.Contains(err.Error(), "register fd") {
				t.Fatalf("Register failing at kernel call %d with %v: %v; want the errno, with what failed", skip+1, errno, err)
			}
			if err := p.Register(fds[0], 2, poll.Writable, poll.Edge); err != nil {
				t.Fatalf("Register after a failed one (call %d, %v): %v", skip+1, errno, err)
			}
			if _, err := unix.Write(fds[1], []byte("x")); err != nil {
				t.Fatal(err)
			}
			ev := poll.NewEvents(8)
			got := events(t, p, ev)
			if len(got) == 0 {
				t.Fatalf("no writable event after registering for writing")
			}
			for _, e := range got {
				if e.Token != 2 || e.Readable() {
					t.Errorf("failed at call %d with %v: event %v for a source registered for writing alone as token 2", skip+1, errno, e)
				}
			}
		}
	}
}

// TestDeregisterFaultForgets fails a deregistration. Deregister must
// return the error, naming what failed, and yet forget the descriptor:
// its owner closes it next, and the next socket to get its number must
// register as a new one, not be refused as registered already.
func TestDeregisterFaultForgets(t *testing.T) {
	fs := poll.InjectFaults(t)
	p, err := poll.New()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[1])
	if err := p.Register(fds[0], 1, poll.ReadWrite, poll.Edge); err != nil {
		t.Fatal(err)
	}
	fs.FailCtl("deregister", 0, 1, unix.ENOMEM)
	err = p.Deregister(fds[0])
	if !errors.Is(err, unix.ENOMEM) || !strings.Contains(err.Error(), "deregister fd") {
		t.Fatalf("Deregister failing with ENOMEM: %v; want the errno, with what failed", err)
	}
	old := fds[0]
	unix.Close(old)
	// The next socket takes the lowest free number, old: no test here runs
	// in parallel, and the runtime opened its own descriptors before.
	again := faultSockets(t)
	if again[0] != old {
		t.Fatalf("new socket got descriptor %d, not the freed %d: something else opened one meanwhile", again[0], old)
	}
	if err := p.Register(old, 2, poll.Readable, poll.Edge); err != nil {
		t.Fatalf("Register of a new socket with the number of one whose Deregister failed: %v", err)
	}
	if _, err := unix.Write(again[1], []byte("x")); err != nil {
		t.Fatal(err)
	}
	got := events(t, p, poll.NewEvents(8))
	if len(got) != 1 || got[0].Token != 2 || !got[0].Readable() {
		t.Fatalf("events %v; want the new socket's, readable, as token 2", got)
	}
}

// TestWaitEINTRRetried interrupts waits: Wait retries them, reports no
// error, and keeps its timeout rather than starting it over or returning
// early.
func TestWaitEINTRRetried(t *testing.T) {
	fs := poll.InjectFaults(t)
	p, fds := faultPoller(t)
	if err := p.Register(fds[0], 1, poll.Readable, poll.Edge); err != nil {
		t.Fatal(err)
	}
	ev := poll.NewEvents(8)

	fs.FailWait(3, unix.EINTR)
	before := fs.WaitCalls()
	start := time.Now()
	if err := p.Wait(ev, 20*time.Millisecond); err != nil || ev.Len() != 0 {
		t.Fatalf("interrupted Wait: %v, %d events; want a plain timeout", err, ev.Len())
	}
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Errorf("interrupted Wait returned after %v, before its 20 ms timeout", d)
	}
	if n := fs.WaitCalls() - before; n != 4 {
		t.Errorf("%d waits, want 4: three interrupted, then the one that timed out", n)
	}

	fs.FailWait(2, unix.EINTR)
	if _, err := unix.Write(fds[1], []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(ev, poll.Forever); err != nil || ev.Len() != 1 || ev.At(0).Token != 1 {
		t.Fatalf("interrupted Wait with an event ready: %v, %v", err, ev.List())
	}
}

// TestWaitFaultSurfaced: a wait that fails for another reason returns the
// error, saying it was the wait, and the Poller works afterwards.
func TestWaitFaultSurfaced(t *testing.T) {
	fs := poll.InjectFaults(t)
	p, fds := faultPoller(t)
	if err := p.Register(fds[0], 1, poll.Readable, poll.Edge); err != nil {
		t.Fatal(err)
	}
	ev := poll.NewEvents(8)
	fs.FailWait(1, unix.ENOMEM)
	if err := p.Wait(ev, poll.Forever); !errors.Is(err, unix.ENOMEM) || !strings.Contains(err.Error(), "wait") {
		t.Fatalf("Wait failing with ENOMEM: %v; want the errno, saying it was the wait", err)
	}
	if _, err := unix.Write(fds[1], []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(ev, poll.Forever); err != nil || ev.Len() != 1 {
		t.Fatalf("Wait after the failure: %v, %v", err, ev.List())
	}
}
