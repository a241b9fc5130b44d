// Package mpsc is a stub of the real package for the analyzer's tests.
package mpsc

import "github.com/asyncgo/async"

// Sender sends into a bounded channel.
type Sender[T any] struct{ send SendFuture[T] }

// Receiver receives from it.
type Receiver[T any] struct{ recv RecvFuture[T] }

// New returns a channel of the given capacity.
func New[T any](capacity int) (*Sender[T], *Receiver[T]) { return new(Sender[T]), new(Receiver[T]) }

// Send returns a future that sends v once there is room.
func (s *Sender[T]) Send(v T) *SendFuture[T] { return &s.send }

// SendBlocking sends v, blocking the goroutine while the channel is full.
func (s *Sender[T]) SendBlocking(v T) error { return nil }

// TrySend sends v if there is room.
func (s *Sender[T]) TrySend(v T) error { return nil }

// SendFuture is the future of Send: a concrete type, not async.Future.
type SendFuture[T any] struct{ v T }

// Poll is ready with nil.
func (f *SendFuture[T]) Poll(cx *async.Context) (error, bool) { return nil, true }

// Cancel leaves the queue.
func (f *SendFuture[T]) Cancel() {}

// Recv returns the future of the next value.
func (r *Receiver[T]) Recv() *RecvFuture[T] { return &r.recv }

// RecvBlocking waits for the next value, blocking the goroutine.
func (r *Receiver[T]) RecvBlocking() (T, error) {
	var zero T
	return zero, nil
}

// RecvFuture is the future of Recv.
type RecvFuture[T any] struct{ v T }

// Poll is ready with the zero value.
func (f *RecvFuture[T]) Poll(cx *async.Context) (async.Result[T], bool) {
	return async.Result[T]{Value: f.v}, true
}

// Cancel leaves the queue.
func (f *RecvFuture[T]) Cancel() {}
