package oneshot

import (
	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/park"
)

// Poll returns the value once it is sent, or ErrSenderGone once the sender
// closed without sending; until then it stores cx's waker for Send to wake.
// A task whose channels are always ready yields after its cooperative
// budget (async.Budget operations).
func (r *Receiver[T]) Poll(cx *async.Context) (async.Result[T], bool) {
	if !cx.Proceed() {
		cx.Waker().Wake()
		return async.Result[T]{}, false
	}
	return (*channel[T])(r).poll(cx.Waker())
}

// Cancel gives up on the value: a later Send fails with ErrReceiverGone, a
// value already sent is dropped, and the stored waker is released. The
// sender's Closed future is woken. Cancel is the Receiver's Close: calling
// it again, or after the value was taken, does nothing harmful.
func (r *Receiver[T]) Cancel() {
	c := (*channel[T])(r)
	prev := c.transitionToRxDone()
	if prev&rxDone != 0 {
		return
	}
	if prev&txDone != 0 {
		// The slot is ours: drop a value nobody will take.
		var zero T
		c.value = zero
	} else if prev&rxWaiting != 0 {
		// The sender will see RX_DONE and leave rxWaker alone.
		c.rxWaker = nil
	}
	c.wakeClosed(prev)
}

// TryRecv returns the value if it has been sent, without waiting. Its
// error is ErrEmpty if the sender has neither sent nor closed,
// ErrSenderGone if it closed without sending, and ErrReceiverGone if the
// value was already taken or the receiver cancelled.
func (r *Receiver[T]) TryRecv() (T, error) {
	c := (*channel[T])(r)
	if res, ok := c.finished(c.state.Load()); ok {
		return res.Get()
	}
	var zero T
	return zero, ErrEmpty
}

// RecvBlocking blocks the calling goroutine until the value is sent or the
// sender closes, for code that is not a future: a plain goroutine awaiting
// a reply from a task. Never call it from inside a future's Poll or a
// coroutine: it would block the executor, and with it the task that was
// to send. (It is named as the other packages' blocking calls are, so
// that the name says so.)
func (r *Receiver[T]) RecvBlocking() (T, error) {
	c := (*channel[T])(r)
	if res, ok := c.finished(c.state.Load()); ok {
		return res.Get() // no need for a waker
	}
	w := park.New()
	for {
		if res, ok := c.poll(w); ok {
			return res.Get()
		}
		w.Wait()
	}
}

// poll is Poll without the budget: it stores w as the receiver's waker
// unless the sender has finished.
func (c *channel[T]) poll(w async.Waker) (async.Result[T], bool) {
	st := c.state.Load()
	if res, ok := c.finished(st); ok {
		return res, true
	}
	if st&rxWaiting != 0 {
		// Take rxWaker back before writing it: the sender may read it
		// the moment it sets TX_DONE.
		if prev, ok := c.clearWaiting(rxWaiting, txDone); !ok {
			return c.take(prev), true
		}
	}
	c.rxWaker = w
	if prev := c.setWaiting(rxWaiting); prev&txDone != 0 {
		// The sender finished before it could see the waker; it is ours
		// again, and nobody will call it.
		c.rxWaker = nil
		return c.take(prev), true
	}
	return async.Result[T]{}, false
}

// finished returns the outcome if st shows that one side is done.
func (c *channel[T]) finished(st uint32) (async.Result[T], bool) {
	switch {
	case st&rxDone != 0:
		return async.Err[T](ErrReceiverGone), true
	case st&txDone != 0:
		return c.take(st), true
	}
	return async.Result[T]{}, false
}

// take returns the outcome of a finished sender; st has TX_DONE set. A
// value is taken out of the slot and the receiver marked done, so the
// sender's Closed future and IsClosed see that nobody waits any more.
func (c *channel[T]) take(st uint32) async.Result[T] {
	if st&valueSent == 0 {
		return async.Err[T](ErrSenderGone)
	}
	v := c.value
	var zero T
	c.value = zero
	c.wakeClosed(c.transitionToRxDone())
	return async.Ok(v)
}

// wakeClosed wakes the sender's Closed future if prev, the state before
// this receiver set RX_DONE, shows it waiting. Setting RX_DONE made
// txWaker ours to take.
func (c *channel[T]) wakeClosed(prev uint32) {
	if prev&(txWaiting|rxDone) != txWaiting {
		return
	}
	w := c.txWaker
	c.txWaker = nil
	w.Wake()
}
