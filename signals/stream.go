package signals

import (
	"os"
	"os/signal"
	"sync"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/park"
)

// Stream is a registration for incoming signals and the stream of those
// received. Notify makes one; Recv takes the next signal; Stop ends it.
//
// Recv and RecvBlocking are for one receiver at a time, the stream's
// owner; Stop may be called from any goroutine.
type Stream struct {
	c      chan os.Signal // os/signal delivers here; only forward reads it
	quit   chan struct{}  // closed by Stop: forward returns
	exited chan struct{}  // closed by forward when it returns
	stop   sync.Once

	mu      sync.Mutex
	pending pending     // guarded by mu
	waker   async.Waker // guarded by mu; the receiver's, while it waits
	stopped bool        // guarded by mu

	recv    RecvFuture
	blocker park.Waker // RecvBlocking's waker, made on first use
}

// Notify registers for the signals sigs (every incoming signal if none is
// given, as with signal.Notify) and returns the stream of those received.
// The registration is made before Notify returns: from then on, a signal
// of sigs no longer has its default effect (a SIGINT no longer ends the
// program) but waits in the stream for a Recv. Stop the stream when it is
// no longer needed; it keeps a goroutine until then.
//
// Name the signals: with none, the stream also receives the signals the
// Go runtime uses for itself, such as SIGURG, sent to preempt goroutines.
func Notify(sigs ...os.Signal) *Stream {
	s := &Stream{
		c:      make(chan os.Signal, bufferSize),
		quit:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	s.recv.s = s
	signal.Notify(s.c, sigs...)
	go s.forward()
	return s
}

// forward moves the signals os/signal delivers into the stream's buffer
// and wakes the receiver, until Stop. It is the stream's one goroutine:
// os/signal delivers only to a channel, and a task can only be woken by a
// waker, so someone must wait on the channel. It never blocks for long
// while holding the lock, and it calls the waker after unlocking.
func (s *Stream) forward() {
	defer close(s.exited)
	for {
		select {
		case sig := <-s.c:
			s.deliver(sig)
		case <-s.quit:
			return
		}
	}
}

// deliver keeps sig for the receiver (see pending) and wakes it.
func (s *Stream) deliver(sig os.Signal) {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.pending.add(sig)
	w := s.waker
	s.waker = nil
	s.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// Recv returns a future of the next signal. Signals that arrived while no
// Recv was waiting are kept for it (see Notify), so none is lost between
// two Recvs; its result's Err is ErrStopped once the stream is stopped.
//
// The future is part of the Stream and reused by every call, so receiving
// allocates nothing: await each Recv before the next. Cancelling it
// releases its waker and takes no signal: a signal that arrived meanwhile
// waits for the next Recv.
func (s *Stream) Recv() *RecvFuture { return &s.recv }

// RecvBlocking returns the next signal, blocking the calling goroutine
// until one arrives or the stream is stopped (then its error is
// ErrStopped). It is for plain goroutines; never call it from inside a
// future's Poll, and not while a Recv is pending.
func (s *Stream) RecvBlocking() (os.Signal, error) {
	if s.blocker == nil {
		s.blocker = park.New()
	}
	for {
		sig, ok, err := s.take(s.blocker)
		if ok {
			return sig, err
		}
		s.blocker.Wait()
	}
}

// take takes the oldest pending signal, or reports ErrStopped; ok is false
// if there is neither, and then waker is stored for the next signal or
// Stop to wake.
func (s *Stream) take(waker async.Waker) (sig os.Signal, ok bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.stopped:
		s.waker = nil
		return nil, true, ErrStopped
	case s.pending.n > 0:
		s.waker = nil
		return s.pending.pop(), true, nil
	}
	s.waker = waker
	return nil, false, nil
}

// Stop unregisters the stream (signal.Stop), ends its goroutine, drops the
// signals it kept and wakes a pending Recv, which reports ErrStopped, as
// does every Recv after it. When Stop returns, no signal reaches the
// stream any more, and the signals it was registered for have their
// default effect again unless another registration wants them. Stop may
// be called from any goroutine, any number of times.
func (s *Stream) Stop() {
	s.stop.Do(func() {
		signal.Stop(s.c)
		close(s.quit)
		<-s.exited
		s.mu.Lock()
		s.stopped = true
		s.pending.clear()
		w := s.waker
		s.waker = nil
		s.mu.Unlock()
		if w != nil {
			w.Wake()
		}
	})
}

// RecvFuture is the future of Stream.Recv. It is part of its Stream.
type RecvFuture struct {
	s       *Stream
	waiting bool // its waker is stored in the stream; the owner's
}

// Poll takes the next signal, or stores the task's waker for the next
// signal (or Stop) to wake. It takes a unit of the task's cooperative
// budget first.
func (f *RecvFuture) Poll(cx *async.Context) (async.Result[os.Signal], bool) {
	if !cx.Proceed() {
		cx.Waker().Wake()
		return async.Result[os.Signal]{}, false
	}
	sig, ok, err := f.s.take(cx.Waker())
	f.waiting = !ok
	if !ok {
		return async.Result[os.Signal]{}, false
	}
	return async.Result[os.Signal]{Value: sig, Err: err}, true
}

// Cancel releases the stored waker. No signal is lost: one that arrived
// meanwhile stays in the stream for the next Recv.
func (f *RecvFuture) Cancel() {
	if !f.waiting {
		return
	}
	f.waiting = false
	f.s.mu.Lock()
	f.s.waker = nil
	f.s.mu.Unlock()
}

// Wait returns a future of the first of the signals sigs to arrive, for
// the shutdown of a program:
//
//	sig := async.Await(co, signals.Wait(os.Interrupt, syscall.SIGTERM))
//
// It registers at once, like Notify, so a signal that arrives before its
// first poll is kept for it. When it is ready, or cancelled, it stops its
// registration: a second SIGINT then ends the program as usual, which is
// what a user pressing Control-C twice expects.
func Wait(sigs ...os.Signal) async.Future[os.Signal] {
	return &waitFuture{s: Notify(sigs...)}
}

// waitFuture is the future of Wait: a stream of its own, stopped at the
// end.
type waitFuture struct{ s *Stream }

func (w *waitFuture) Poll(cx *async.Context) (os.Signal, bool) {
	r, ok := w.s.recv.Poll(cx)
	if !ok {
		return nil, false
	}
	w.s.Stop()
	return r.Value, true
}

func (w *waitFuture) Cancel() {
	w.s.recv.Cancel()
	w.s.Stop()
}
