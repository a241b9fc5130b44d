// Package oneshot is a stub of the real package for the analyzer's tests.
package oneshot

import "github.com/asyncgo/async"

// Sender sends the channel's one value.
type Sender[T any] struct{}

// Receiver is the future of that value.
type Receiver[T any] struct{ v T }

// New returns a channel.
func New[T any]() (*Sender[T], *Receiver[T]) { return new(Sender[T]), new(Receiver[T]) }

// Send sends v at once: it returns an error, not a future.
func (s *Sender[T]) Send(v T) error { return nil }

// Poll is ready with the value.
func (r *Receiver[T]) Poll(cx *async.Context) (async.Result[T], bool) {
	return async.Result[T]{Value: r.v}, true
}

// Cancel closes the receiver.
func (r *Receiver[T]) Cancel() {}
