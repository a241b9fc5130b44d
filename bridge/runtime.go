package bridge

import "github.com/asyncgo/async/reactor"

// Runtime is what a bridge needs of an executor: both executors of package
// executor are one.
type Runtime interface {
	// Reactor returns the reactor that reports the readiness of the
	// bridged connection's socket. Some goroutine must be turning it (an
	// executor running) while a call waits.
	Reactor() *reactor.Reactor
	// OnExecutor reports whether the calling goroutine is polling a
	// future for an executor, where a call that waits for the reactor
	// could stop the executor from turning it.
	OnExecutor() bool
}
