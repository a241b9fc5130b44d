//go:build netbsd || openbsd

package poll

import "golang.org/x/sys/unix"

// kqWake wakes a kqueue through a pipe, on the BSDs without EVFILT_USER.
type kqWake struct{ fd wakeFD }

func (w *kqWake) open(kq int) error {
	if err := w.fd.open(); err != nil {
		return err
	}
	var ev [1]unix.Kevent_t
	unix.SetKevent(&ev[0], w.fd.r, unix.EVFILT_READ, unix.EV_ADD|unix.EV_CLEAR)
	if _, err := unix.Kevent(kq, ev[:], nil, nil); err != nil {
		w.fd.close()
		return err
	}
	return nil
}

func (w *kqWake) trigger(int) error { return w.fd.signal() }

// owns reports whether e is the wakeup, and drains the pipe if it is.
func (w *kqWake) owns(e *unix.Kevent_t) bool {
	if e.Filter != unix.EVFILT_READ || int(e.Ident) != w.fd.r {
		return false
	}
	w.fd.drain()
	return true
}

func (w *kqWake) close() error { return w.fd.close() }
