package bridge

import (
	"errors"
	"net"
	"os"
	"runtime"
	"strings"
)

// ErrOnExecutor is the error of a bridge called on a goroutine that is
// running an executor's tasks: the call would wait for the executor, which
// would wait for the call.
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

// maxFrames bounds the look at the call stack in onExecutor: a call from a
// task sits at most a few dozen frames above the executor's loop.
const maxFrames = 128

// runtimeFrames are function name prefixes that show the caller runs
// inside a poll: the executor's loop, a task, or a coroutine's body (a
// coroutine runs on a stack of its own, whose bottom is its body).
var runtimeFrames = [...]string{
	"github.com/asyncgo/async/executor.",
	"github.com/asyncgo/async.(*Task).Run",
	"github.com/asyncgo/async.(*coroutine[",
}

// onExecutor reports whether the calling goroutine is polling a future of
// the runtime. It reads the call stack, a few microseconds, so a bridge
// does it once per direction, on the first call.
func onExecutor() bool {
	var pcs [maxFrames]uintptr
	n := runtime.Callers(2, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		for _, prefix := range runtimeFrames {
			if strings.HasPrefix(f.Function, prefix) {
				return true
			}
		}
		if !more {
			return false
		}
	}
}
