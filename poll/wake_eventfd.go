//go:build linux && !pollpipe

package poll

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// wakeFD is the descriptor that Wake makes readable: an eventfd(2), whose
// counter any number of writes raise and one read resets.
type wakeFD struct {
	r       int     // the eventfd, read by the waiter
	w       int     // the same eventfd, written by Wake
	one     [8]byte // the counter increment; never written after open
	scratch [8]byte // drain's buffer; only the waiter uses it
}

func (w *wakeFD) open() error {
	fd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		return err
	}
	w.r, w.w = fd, fd
	binary.NativeEndian.PutUint64(w.one[:], 1)
	return nil
}

// signal raises the counter. EAGAIN means the counter is at its maximum,
// so the descriptor is readable already.
func (w *wakeFD) signal() error {
	for {
		_, err := unix.Write(w.w, w.one[:])
		switch err {
		case unix.EINTR:
			continue
		case nil, unix.EAGAIN:
			return nil
		}
		return err
	}
}

// drain resets the counter so that the next signal is a new edge.
func (w *wakeFD) drain() {
	for {
		_, err := unix.Read(w.r, w.scratch[:])
		if err != unix.EINTR {
			return
		}
	}
}

func (w *wakeFD) close() error { return unix.Close(w.r) }
