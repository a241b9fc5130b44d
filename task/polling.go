package task

import (
	"reflect"
	"runtime"
)

// A Poller is code that polls on behalf of a task without being one: a
// coroutine's body, which runs on a goroutine of its own while the task
// that resumed it waits, or the future an executor polls outside a task.
// Enter runs it so that Polling sees it.
type Poller interface {
	PollBody()
}

// Enter calls p.PollBody. Its frame on the stack marks the goroutine as
// polling, as Run's does.
//
//go:noinline
func Enter(p Poller) { p.PollBody() }

// maxPollingFrames bounds Polling's look at the stack: a call from a
// future sits well within it above the Run or Enter that polls it.
const maxPollingFrames = 256

// Polling reports whether the calling goroutine is polling a future for
// an executor: whether Run or Enter is on its stack. Code that would block
// the goroutine until the runtime makes progress (a nested BlockOn, a
// bridge to a blocking API) asks, to fail with a clear error instead of
// stalling the executor, or deadlocking it.
//
// Go gives a goroutine no identity and no local storage, so the stack is
// the one thing that belongs to the goroutine: Polling looks for the two
// functions by their entry addresses, not their names. It costs about a
// microsecond; callers ask once, not per operation.
func Polling() bool {
	var pcs [maxPollingFrames]uintptr
	n := runtime.Callers(2, pcs[:])
	run, enter := entryOf((*Task).Run), entryOf(Enter)
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if f.Entry == run || f.Entry == enter {
			return true
		}
		if !more {
			return false
		}
	}
}

func entryOf(fn any) uintptr {
	return runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Entry()
}
