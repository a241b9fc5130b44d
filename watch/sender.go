package watch

// Sender is the handle that changes the value. Its methods are safe for
// concurrent use.
type Sender[T any] struct {
	c *channel[T]
}

// New returns the sender and a first receiver of a channel whose value is
// initial. The receiver has seen initial: its first Changed waits for the
// first Send.
func New[T any](initial T) (*Sender[T], *Receiver[T]) {
	c := &channel[T]{value: initial}
	return &Sender[T]{c: c}, c.subscribe()
}

// Send stores v as the latest value and wakes every receiver waiting in
// Changed. It never waits. Its error is ErrNoReceivers if every receiver
// is closed, in which case v is not stored (as tokio's send), and
// ErrClosed after Close. Use Swap to store a value whether or not anybody
// listens.
func (s *Sender[T]) Send(v T) error { return s.c.send(v) }

// Swap stores v as the latest value, whether or not any receiver is open
// (one that subscribes later starts from it), wakes every receiver
// waiting in Changed, and returns the value it replaced. Swap after Close
// panics, as a send on a closed Go channel does: nothing may change after
// the receivers were told that nothing will.
func (s *Sender[T]) Swap(v T) T { return s.c.swap(v) }

// Borrow returns a copy of the latest value.
func (s *Sender[T]) Borrow() T { return s.c.borrow(nil) }

// Subscribe returns a new receiver, which has seen the latest value: its
// first Changed waits for the next one.
func (s *Sender[T]) Subscribe() *Receiver[T] { return s.c.subscribe() }

// ReceiverCount returns the number of open receivers.
func (s *Sender[T]) ReceiverCount() int { return s.c.receiverCount() }

// Close ends the channel: receivers keep the latest value, and Changed
// reports ErrClosed once a receiver has seen it. Go cannot see a sender
// being dropped, so a sender that is done must Close, or the receivers
// wait in Changed forever. Closing twice does nothing.
func (s *Sender[T]) Close() { s.c.closeSender() }
