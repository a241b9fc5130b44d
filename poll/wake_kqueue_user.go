//go:build darwin || freebsd

package poll

import "golang.org/x/sys/unix"

// kqWake wakes a kqueue with a user event (EVFILT_USER): no descriptor is
// needed, and a trigger of an already triggered event is one event.
type kqWake struct{}

// wakeIdent is the ident of the user event; user events have their own
// ident space, so it cannot collide with a descriptor.
const wakeIdent = 0

func (kqWake) open(kq int) error {
	var ev [1]unix.Kevent_t
	unix.SetKevent(&ev[0], wakeIdent, unix.EVFILT_USER, unix.EV_ADD|unix.EV_CLEAR)
	_, err := unix.Kevent(kq, ev[:], nil, nil)
	return err
}

func (kqWake) trigger(kq int) error {
	var ev [1]unix.Kevent_t
	unix.SetKevent(&ev[0], wakeIdent, unix.EVFILT_USER, 0)
	ev[0].Fflags = unix.NOTE_TRIGGER
	for {
		_, err := unix.Kevent(kq, ev[:], nil, nil)
		if err != unix.EINTR {
			return err
		}
	}
}

// owns reports whether e is the wakeup. EV_CLEAR resets the user event
// when it is reported, so there is nothing to drain.
func (kqWake) owns(e *unix.Kevent_t) bool {
	return e.Filter == unix.EVFILT_USER && e.Ident == wakeIdent
}

func (kqWake) close() error { return nil }
