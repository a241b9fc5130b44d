//go:build darwin || freebsd || netbsd || openbsd

package poll

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// sysEvent is the record kevent fills.
type sysEvent = unix.Kevent_t

// Poller is an event queue over kqueue(2).
//
// kqueue reports a descriptor's read and write readiness as two events, one
// per filter; Wait reports them as two Events with the same token.
type Poller struct {
	kq       int
	wake     kqWake      // EVFILT_USER, or a pipe where that is missing
	notified atomic.Bool // a wakeup is pending; see Wake
	closed   atomic.Bool
	closeMu  sync.RWMutex // held by Wake while it writes, by Close to close

	// tokens maps each registered descriptor to its token. The token is not
	// carried in kevent's udata because udata is a pointer on most BSDs, and
	// an integer there could be taken by the garbage collector for a bad
	// pointer. The ident of an event is its descriptor.
	mu     sync.RWMutex
	tokens map[int]Token // guarded by mu
}

func openPoller() (*Poller, error) {
	kq, err := unix.Kqueue()
	if err != nil {
		return nil, err
	}
	unix.CloseOnExec(kq)
	p := &Poller{kq: kq, tokens: make(map[int]Token)}
	if err := p.wake.open(kq); err != nil {
		unix.Close(kq)
		return nil, err
	}
	return p, nil
}

func (p *Poller) ctl(op ctlOp, fd int, tok Token, in Interest, mode Mode) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, known := p.tokens[fd]
	switch {
	case op == opAdd && known:
		return ErrAlreadyRegistered
	case op != opAdd && !known:
		return ErrNotRegistered
	}

	if op == opDelete {
		// Forget the descriptor even if the kernel refuses a change below:
		// the caller closes it next, which drops its filters anyway, and a
		// number kept here would make the next descriptor to get that
		// number unregistrable (ErrAlreadyRegistered).
		delete(p.tokens, fd)
	}

	flags := unix.EV_ADD
	switch mode {
	case Edge:
		flags |= unix.EV_CLEAR
	case Oneshot:
		flags |= unix.EV_ONESHOT
	}
	// One change per filter and per call, so that each error is known:
	// EV_RECEIPT would batch them, but NetBSD lacks it. Deleting a filter
	// that was never added fails with ENOENT, which is harmless here.
	var errDel error
	for i, filter := range [2]int{unix.EVFILT_READ, unix.EVFILT_WRITE} {
		var change [1]unix.Kevent_t
		if op != opDelete && in&(Readable<<i) != 0 {
			unix.SetKevent(&change[0], fd, filter, flags)
			if err := p.kevent(op, change[:]); err != nil {
				if op == opAdd && i > 0 && in&Readable != 0 {
					// The read filter is in the kernel already. Take it
					// out, so that a failed Register leaves nothing
					// behind: no filter whose events would be dropped
					// for want of a token, nor one that a later
					// Register for writing alone would inherit.
					p.deleteFilter(fd, unix.EVFILT_READ)
				}
				return err
			}
			continue
		}
		if op == opAdd {
			continue
		}
		// Delete both filters even if the first refuses: each is gone
		// from the kernel or never was.
		if err := p.deleteFilter(fd, filter); err != nil && errDel == nil {
			errDel = err
		}
	}
	if errDel != nil {
		return errDel
	}
	if op != opDelete {
		p.tokens[fd] = tok
	}
	return nil
}

// deleteFilter removes one filter of fd; a filter that is not there is
// not an error.
func (p *Poller) deleteFilter(fd, filter int) error {
	var change [1]unix.Kevent_t
	unix.SetKevent(&change[0], fd, filter, unix.EV_DELETE)
	if err := p.kevent(opDelete, change[:]); err != nil && err != unix.ENOENT {
		return err
	}
	return nil
}

// kevent submits changes for a registration change op, retrying EINTR.
func (p *Poller) kevent(op ctlOp, changes []unix.Kevent_t) error {
	for {
		err := injectedCtl(op)
		if err == nil {
			_, err = unix.Kevent(p.kq, changes, nil, nil)
		}
		if err != unix.EINTR {
			return err
		}
	}
}

func (p *Poller) wait(ev *Events, timeout time.Duration) error {
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	for {
		var ts *unix.Timespec
		if timeout >= 0 {
			t := unix.NsecToTimespec(int64(timeout))
			ts = &t
		}
		var n int
		err := injectedWait()
		if err == nil {
			n, err = unix.Kevent(p.kq, nil, ev.sys, ts)
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

// decode turns the kernel's records into Events, consuming the wakeup and
// dropping events of descriptors deregistered since the kernel queued them.
func (p *Poller) decode(ev *Events, n int) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	for i := range n {
		e := &ev.sys[i]
		if p.wake.owns(e) {
			p.notified.Store(false)
			continue
		}
		tok, ok := p.tokens[int(e.Ident)]
		if !ok {
			continue
		}
		ev.list = append(ev.list, Event{Token: tok, flags: kqueueFlags(e)})
	}
}

func kqueueFlags(e *unix.Kevent_t) eventFlags {
	var f eventFlags
	eof := e.Flags&unix.EV_EOF != 0
	switch e.Filter {
	case unix.EVFILT_READ:
		f |= flagReadable
		if eof {
			f |= flagReadClosed
		}
	case unix.EVFILT_WRITE:
		f |= flagWritable
		if eof {
			f |= flagWriteClosed
		}
	}
	// With EV_EOF, fflags holds the socket's pending error, if any.
	if e.Flags&unix.EV_ERROR != 0 || (eof && e.Fflags != 0) {
		f |= flagError
	}
	return f
}

func (p *Poller) notify() error { return p.wake.trigger(p.kq) }

func (p *Poller) closeBackend() error {
	return errors.Join(p.wake.close(), unix.Close(p.kq))
}
