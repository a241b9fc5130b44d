package bridge

import (
	"errors"
	"net"
	"os"
)

// ErrOnExecutor is the error of a bridge called on a goroutine that is
// running the executor's tasks (Runtime.OnExecutor): the call would wait
// for the executor, which would wait for the call.
var ErrOnExecutor = errors.New("bridge: called from a future the executor polls, which would deadlock; call it from another goroutine")

var (
	errClosed     = net.ErrClosed
	errTimeout    = os.ErrDeadlineExceeded
	errNoProgress = errors.New("bridge: the connection's Write wrote nothing and reported no error")
)

// opInfo describes a direction of a bridge for its errors.
type opInfo struct {
	op     string // "read" or "write"
	local  net.Addr
	remote net.Addr
}

// err describes a failed operation as the net package does, "read tcp
// 127.0.0.1:5000->127.0.0.1:41000: i/o timeout", so errors.Is finds the
// cause and net.Error's Timeout works.
func (i opInfo) err(op string, err error) error {
	oe := &net.OpError{Op: op, Source: i.local, Addr: i.remote, Err: err}
	if i.remote != nil {
		oe.Net = i.remote.Network()
	} else if i.local != nil {
		oe.Net = i.local.Network()
	}
	return oe
}
