//go:build (linux && pollpipe) || netbsd || openbsd

package poll

import (
	"errors"

	"golang.org/x/sys/unix"
)

// wakeFD is the descriptor that Wake makes readable: the read end of a
// non-blocking pipe, for kernels without eventfd or EVFILT_USER. Building
// with the pollpipe tag selects it on Linux too, so that it is tested.
type wakeFD struct {
	r       int      // the read end, drained by the waiter
	w       int      // the write end, written by Wake
	one     [1]byte  // the byte Wake writes; never written after open
	scratch [64]byte // drain's buffer; only the waiter uses it
}

func (w *wakeFD) open() error {
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		return err
	}
	w.r, w.w = fds[0], fds[1]
	return nil
}

// signal writes one byte. EAGAIN means the pipe is full, so the read end
// is readable already.
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

// drain empties the pipe so that the next signal is a new edge.
func (w *wakeFD) drain() {
	for {
		n, err := unix.Read(w.r, w.scratch[:])
		if err == unix.EINTR {
			continue
		}
		if err != nil || n < len(w.scratch) {
			return
		}
	}
}

func (w *wakeFD) close() error {
	return errors.Join(unix.Close(w.r), unix.Close(w.w))
}
