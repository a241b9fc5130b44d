//go:build linux

package poll

import (
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sysEvent is the record epoll_wait fills.
type sysEvent = unix.EpollEvent

// Poller is an event queue over epoll(7).
type Poller struct {
	epfd     int
	wake     wakeFD      // an eventfd, or a pipe under the pollpipe tag
	notified atomic.Bool // a wakeup is pending; see Wake
	closed   atomic.Bool
	closeMu  sync.RWMutex // held by Wake while it writes, by Close to close

	// noPwait2 is set when the kernel lacks epoll_pwait2 (before Linux
	// 5.11), after which timeouts are rounded up to milliseconds. Only the
	// goroutine in Wait touches it.
	noPwait2 bool
}

func openPoller() (*Poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	p := &Poller{epfd: epfd}
	if err := p.wake.open(); err != nil {
		unix.Close(epfd)
		return nil, err
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLET}
	setToken(&ev, wakeToken)
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, p.wake.r, &ev); err != nil {
		p.wake.close()
		unix.Close(epfd)
		return nil, err
	}
	return p, nil
}

func (p *Poller) ctl(op ctlOp, fd int, tok Token, in Interest, mode Mode) error {
	var ev unix.EpollEvent
	kop := unix.EPOLL_CTL_DEL
	if op != opDelete {
		kop = unix.EPOLL_CTL_ADD
		if op == opModify {
			kop = unix.EPOLL_CTL_MOD
		}
		ev.Events = epollEvents(in, mode)
		setToken(&ev, tok)
	}
	err := injectedCtl(op)
	if err == nil {
		err = unix.EpollCtl(p.epfd, kop, fd, &ev)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EEXIST):
		return errors.Join(ErrAlreadyRegistered, err)
	case errors.Is(err, unix.ENOENT):
		return errors.Join(ErrNotRegistered, err)
	}
	return err
}

// epollEvents translates an interest and mode into epoll's flags.
// EPOLLRDHUP comes with reading so that a peer's shutdown is reported
// as ReadClosed, not merely as a readable source.
func epollEvents(in Interest, mode Mode) uint32 {
	var events uint32
	if in&Readable != 0 {
		events |= unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLPRI
	}
	if in&Writable != 0 {
		events |= unix.EPOLLOUT
	}
	switch mode {
	case Edge:
		events |= unix.EPOLLET
	case Oneshot:
		events |= unix.EPOLLONESHOT
	}
	return events
}

// setToken and tokenOf store a token in the 64-bit data union of an
// epoll_event, which x/sys/unix splits into Fd and Pad. The kernel hands the
// eight bytes back untouched, so any consistent split is correct on every
// byte order.
func setToken(ev *unix.EpollEvent, tok Token) {
	ev.Fd = int32(uint32(tok))
	ev.Pad = int32(uint32(tok >> 32))
}

func tokenOf(ev *unix.EpollEvent) Token {
	return Token(uint32(ev.Fd)) | Token(uint32(ev.Pad))<<32
}

func (p *Poller) wait(ev *Events, timeout time.Duration) error {
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	for {
		var n int
		err := injectedWait()
		if err == nil {
			n, err = p.epollWait(ev.sys, timeout)
		}
		if err == unix.EINTR {
			timeout = deadlineLeft(timeout, deadline)
			continue
		}
		if err != nil {
			return err
		}
		p.decode(ev, n)
		return nil
	}
}

// epollWait makes one epoll_pwait or epoll_pwait2 call with a nil signal
// mask, which is epoll_wait on every architecture (arm64 has no epoll_wait).
func (p *Poller) epollWait(buf []unix.EpollEvent, timeout time.Duration) (int, error) {
	events := uintptr(unsafe.Pointer(&buf[0]))
	size := uintptr(len(buf))
	if timeout == 0 {
		// A zero timeout cannot block, so the raw call is valid and skips
		// the scheduler's entersyscall/exitsyscall.
		n, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(p.epfd), events, size, 0, 0, 0)
		return int(n), errnoErr(e)
	}
	if timeout > 0 && !p.noPwait2 {
		// epoll_pwait2 takes a timespec: nanosecond precision (Linux 5.11).
		ts := unix.NsecToTimespec(int64(timeout))
		n, _, e := unix.Syscall6(unix.SYS_EPOLL_PWAIT2, uintptr(p.epfd), events, size, uintptr(unsafe.Pointer(&ts)), 0, 0)
		if e != unix.ENOSYS {
			return int(n), errnoErr(e)
		}
		p.noPwait2 = true
	}
	ms := waitMillis(timeout)
	// A blocking call goes through the scheduler's syscall path, so the
	// Go runtime can hand this thread's P to other goroutines.
	n, _, e := unix.Syscall6(unix.SYS_EPOLL_PWAIT, uintptr(p.epfd), events, size, uintptr(ms), 0, 0)
	return int(n), errnoErr(e)
}

// waitMillis converts a timeout for epoll_pwait, which counts whole
// milliseconds: -1 (no limit) for a negative timeout, else rounded up, as
// returning before the timeout would make a caller that waits for a timer
// spin. It caps before rounding: a timeout near math.MaxInt64 would
// overflow into a negative count, which epoll takes as no limit.
func waitMillis(timeout time.Duration) int {
	switch {
	case timeout < 0:
		return -1
	case timeout >= math.MaxInt32*time.Millisecond:
		return math.MaxInt32
	}
	return int((timeout + time.Millisecond - 1) / time.Millisecond)
}

func errnoErr(e unix.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}

// decode turns the kernel's records into Events, consuming the wakeup.
func (p *Poller) decode(ev *Events, n int) {
	for i := range n {
		e := &ev.sys[i]
		tok := tokenOf(e)
		if tok == wakeToken {
			p.wake.drain()
			p.notified.Store(false)
			continue
		}
		ev.list = append(ev.list, Event{Token: tok, flags: epollFlags(e.Events)})
	}
}

func epollFlags(events uint32) eventFlags {
	var f eventFlags
	if events&(unix.EPOLLIN|unix.EPOLLPRI) != 0 {
		f |= flagReadable
	}
	if events&unix.EPOLLOUT != 0 {
		f |= flagWritable
	}
	if events&unix.EPOLLERR != 0 {
		f |= flagError
	}
	if events&(unix.EPOLLRDHUP|unix.EPOLLHUP) != 0 {
		f |= flagReadClosed
	}
	if events&unix.EPOLLHUP != 0 {
		f |= flagWriteClosed
	}
	return f
}

func (p *Poller) notify() error { return p.wake.signal() }

func (p *Poller) closeBackend() error {
	return errors.Join(p.wake.close(), unix.Close(p.epfd))
}
