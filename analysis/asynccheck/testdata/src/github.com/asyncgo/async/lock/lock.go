// Package lock is a stub of the real package for the analyzer's tests.
package lock

import "github.com/asyncgo/async"

// Mutex is an async mutex.
type Mutex struct{}

// Lock returns a future ready once the caller holds the lock; the caller's
// place in line is taken at the call.
func (m *Mutex) Lock() async.Future[struct{}] { return async.Ready(struct{}{}) }

// LockBlocking locks m, blocking the goroutine.
func (m *Mutex) LockBlocking() {}

// Unlock unlocks m.
func (m *Mutex) Unlock() {}
