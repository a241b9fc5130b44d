// Package lock is the async counterpart of package sync: locks and the
// other primitives that tasks (and plain goroutines) use to share state,
// where a task that must wait gives its goroutine back to the executor
// instead of blocking it.
package lock
