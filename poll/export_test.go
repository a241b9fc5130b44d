package poll

import (
	"fmt"
	"testing"

	"golang.org/x/sys/unix"
)

// Faults is the fault set of a test (see faults.go), for the tests in
// package poll_test, which may also drive a reactor and sockets over the
// Poller: they are compiled against this package with this file in.
type Faults = faultSet

// InjectFaults installs an empty fault set until t ends, and then fails t
// if a fault armed in it met no call. Tests that use it must not run in
// parallel.
func InjectFaults(t testing.TB) *Faults {
	t.Helper()
	fs := &faultSet{}
	if !faults.CompareAndSwap(nil, fs) {
		t.Fatal("poll: InjectFaults while another test's faults are installed")
	}
	t.Cleanup(func() {
		faults.CompareAndSwap(fs, nil)
		if s := fs.unmet(); s != "" {
			t.Errorf("poll: injected faults that met no call: %s", s)
		}
	})
	return fs
}

// ctlOps names the registration changes as the tests do.
var ctlOps = map[string]ctlOp{"register": opAdd, "reregister": opModify, "deregister": opDelete}

func opNamed(name string) ctlOp {
	op, ok := ctlOps[name]
	if !ok {
		panic(fmt.Sprintf("poll: no registration change %q", name))
	}
	return op
}

// FailCtl makes n kernel calls of the change named op ("register",
// "reregister", "deregister") fail with errno, after letting skip of them
// through. Epoll makes one call per change; kqueue one per filter.
func (fs *faultSet) FailCtl(op string, skip, n int, errno unix.Errno) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.ctl = append(fs.ctl, ctlFault{op: opNamed(op), skip: skip, left: n, errno: errno})
}

// FailWait makes the next n waits fail with errno before they wait.
func (fs *faultSet) FailWait(n int, errno unix.Errno) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.wait = append(fs.wait, waitFault{left: n, errno: errno})
}

// CtlCalls returns how many kernel calls the change named op has made.
func (fs *faultSet) CtlCalls(op string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.ctlCalls[opNamed(op)]
}

// WaitCalls returns how many waits were made.
func (fs *faultSet) WaitCalls() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.waitCalls
}
