package poll

import (
	"fmt"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// Injected faults, for this package's tests only (see export_test.go).
//
// A registration can fail in the kernel (ENOMEM, or ENOSPC past
// fs.epoll.max_user_watches) and a wait can be interrupted (EINTR), but
// not when a test asks. So each backend asks injectedCtl before every
// kernel call that changes a registration (one epoll_ctl; one kevent per
// filter) and injectedWait before every wait, and a test arms faults for
// them through export_test.go, which the package's own tests, and only
// they, compile in. Outside those tests each question is one atomic load
// of a nil pointer, inlined: nothing a system call's cost would show. The
// pointer is the package's one piece of mutable state, and no program but
// this package's tests can set it.

// faults is the fault set of the test in progress, or nil.
var faults atomic.Pointer[faultSet]

// faultSet holds the armed faults and counts the kernel calls made while
// it is installed. The test arms faults on its goroutine while others
// register and wait, so mu guards everything.
type faultSet struct {
	mu        sync.Mutex
	ctl       []ctlFault
	wait      []waitFault
	ctlCalls  [3]int // by ctlOp
	waitCalls int
}

// ctlFault fails the kernel calls of op after letting skip of them
// through: left calls, with errno.
type ctlFault struct {
	op    ctlOp
	skip  int
	left  int
	errno unix.Errno
}

// waitFault fails the next left waits with errno, before they wait.
type waitFault struct {
	left  int
	errno unix.Errno
}

// injectedCtl returns the error a test armed for this kernel call of a
// registration change op, if any, and counts the call.
func injectedCtl(op ctlOp) error {
	if faults.Load() != nil {
		return armedCtl(op)
	}
	return nil
}

// injectedWait returns the error a test armed for this wait, if any, and
// counts the wait.
func injectedWait() error {
	if faults.Load() != nil {
		return armedWait()
	}
	return nil
}

// armedCtl and armedWait are the slow paths, out of line so that the
// checks above stay within the inlining budget. They load faults again: a
// test's cleanup may have removed it since.
//
//go:noinline
func armedCtl(op ctlOp) error {
	fs := faults.Load()
	if fs == nil {
		return nil
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.ctlCalls[op]++
	for i := range fs.ctl {
		f := &fs.ctl[i]
		if f.op != op {
			continue
		}
		if f.skip > 0 {
			f.skip--
			return nil
		}
		errno := f.errno
		if f.left--; f.left == 0 {
			fs.ctl = append(fs.ctl[:i], fs.ctl[i+1:]...)
		}
		return errno
	}
	return nil
}

//go:noinline
func armedWait() error {
	fs := faults.Load()
	if fs == nil {
		return nil
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.waitCalls++
	if len(fs.wait) == 0 {
		return nil
	}
	f := &fs.wait[0]
	errno := f.errno
	if f.left--; f.left == 0 {
		fs.wait = fs.wait[1:]
	}
	return errno
}

// unmet describes the armed faults no call has met, or returns "".
func (fs *faultSet) unmet() string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var s string
	for _, f := range fs.ctl {
		s += fmt.Sprintf("%d %v fault(s) %v; ", f.left, f.op, f.errno)
	}
	for _, f := range fs.wait {
		s += fmt.Sprintf("%d wait fault(s) %v; ", f.left, f.errno)
	}
	return s
}
