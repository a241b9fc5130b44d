package main

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/broadcast"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/lock"
	"github.com/asyncgo/async/watch"
)

// The shared-state shapes on the runtime's executors, as hand-written
// state-machine futures, the way a user after speed writes them. Each
// mirrors the goroutine version in sync_goroutines.go; see doc.go.

// mutexLoop is a task that locks mu, increments *count and unlocks, left
// times, and then counts itself done.
type mutexLoop struct {
	mu      *lock.Mutex
	count   *int
	left    int
	locking async.Future[struct{}] // the Lock in flight, or nil
	c       *countdown
}

func (l *mutexLoop) Poll(cx *async.Context) (struct{}, bool) {
	for ; l.left > 0; l.left-- {
		if l.locking == nil {
			l.locking = l.mu.Lock()
		}
		if _, ok := l.locking.Poll(cx); !ok {
			return struct{}{}, false
		}
		l.locking = nil
		*l.count++
		l.mu.Unlock()
	}
	l.c.done()
	return struct{}{}, true
}

func (l *mutexLoop) Cancel() {
	if l.locking != nil {
		l.locking.Cancel()
	}
}

// mutexShape runs tasks tasks that share n lock+unlock operations of one
// Mutex, and checks that the counter it guards counts every one.
func mutexShape(n, tasks int, opts []executor.Option) error {
	var mu lock.Mutex
	count := 0
	shares := split(n, tasks)
	err := runAsync(opts, &spawnThenWait{n: tasks, spawn: func(cx *async.Context, i int, c *countdown) {
		async.Spawn[struct{}](cx, &mutexLoop{mu: &mu, count: &count, left: shares[i], c: c})
	}})
	return errors.Join(err, checkCount(count, n))
}

// mutexUncontendedAsync locks and unlocks a Mutex n times in one task.
func mutexUncontendedAsync(n int, opts []executor.Option) error { return mutexShape(n, 1, opts) }

// mutexContendedAsync has two tasks share n lock+unlock operations; on
// the multi-thread executor they run on two workers at once.
func mutexContendedAsync(n int, opts []executor.Option) error { return mutexShape(n, 2, opts) }

// readLoop is a task that takes and releases a read lock of rw left times.
type readLoop struct {
	rw      *lock.RwLock
	reads   *atomic.Int64
	left    int
	locking async.Future[struct{}]
	c       *countdown
}

func (l *readLoop) Poll(cx *async.Context) (struct{}, bool) {
	for ; l.left > 0; l.left-- {
		if l.locking == nil {
			l.locking = l.rw.RLock()
		}
		if _, ok := l.locking.Poll(cx); !ok {
			return struct{}{}, false
		}
		l.locking = nil
		l.reads.Add(1)
		l.rw.RUnlock()
	}
	l.c.done()
	return struct{}{}, true
}

func (l *readLoop) Cancel() {
	if l.locking != nil {
		l.locking.Cancel()
	}
}

// rwlockReadAsync has two tasks share n read lock+unlock operations.
func rwlockReadAsync(n int, opts []executor.Option) error {
	var rw lock.RwLock
	var reads atomic.Int64
	shares := split(n, 2)
	err := runAsync(opts, &spawnThenWait{n: 2, spawn: func(cx *async.Context, i int, c *countdown) {
		async.Spawn[struct{}](cx, &readLoop{rw: &rw, reads: &reads, left: shares[i], c: c})
	}})
	return errors.Join(err, checkCount(int(reads.Load()), n))
}

// permitLoop is a task that acquires the one permit of sem, counts, and
// releases it, left times.
type permitLoop struct {
	sem       *lock.Semaphore
	held      *int
	left      int
	acquiring async.Future[error]
	c         *countdown
	err       *error
}

func (l *permitLoop) Poll(cx *async.Context) (struct{}, bool) {
	for ; l.left > 0; l.left-- {
		if l.acquiring == nil {
			l.acquiring = l.sem.Acquire(1)
		}
		err, ok := l.acquiring.Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		l.acquiring = nil
		if err != nil {
			*l.err = err
			break
		}
		*l.held++ // the permit makes this safe
		l.sem.Release(1)
	}
	l.c.done()
	return struct{}{}, true
}

func (l *permitLoop) Cancel() {
	if l.acquiring != nil {
		l.acquiring.Cancel()
	}
}

// semaphoreAsync returns the shape in which waiters tasks share one
// permit of a Semaphore, acquiring and releasing it n times in all.
func semaphoreAsync(waiters int) func(n int, opts []executor.Option) error {
	return func(n int, opts []executor.Option) error {
		sem := lock.NewSemaphore(1)
		held := 0
		errs := make([]error, waiters)
		shares := split(n, waiters)
		err := runAsync(opts, &spawnThenWait{n: waiters, spawn: func(cx *async.Context, i int, c *countdown) {
			async.Spawn[struct{}](cx, &permitLoop{sem: sem, held: &held, left: shares[i], c: c, err: &errs[i]})
		}})
		return errors.Join(err, errors.Join(errs...), checkCount(held, n))
	}
}

// ackCounter is how the sender of broadcast_100 and watch_100 learns that
// every receiver has taken the last value: each receiver counts down, and
// the last notifies the sender.
type ackCounter struct {
	left  atomic.Int64
	acked lock.Notify
}

// ack counts one receiver.
func (a *ackCounter) ack() {
	if a.left.Add(-1) == 0 {
		a.acked.NotifyOne()
	}
}

// broadcaster sends left values on tx, one at a time, each only once the
// receivers have acknowledged the last; then it closes tx.
type broadcaster struct {
	tx      *broadcast.Sender[int]
	acks    *ackCounter
	left    int
	waiting *lock.Notified // the acknowledgement awaited, or nil
	err     error
}

func (b *broadcaster) Poll(cx *async.Context) (struct{}, bool) {
	for {
		if b.waiting != nil {
			if _, ok := b.waiting.Poll(cx); !ok {
				return struct{}{}, false
			}
			b.waiting = nil
		}
		if b.left == 0 {
			b.tx.Close()
			return struct{}{}, true
		}
		b.left--
		b.acks.left.Store(fanOut)
		if _, err := b.tx.Send(1); err != nil {
			b.err = err
			b.tx.Close()
			return struct{}{}, true
		}
		b.waiting = b.acks.acked.Notified()
	}
}

func (b *broadcaster) Cancel() {
	if b.waiting != nil {
		b.waiting.Cancel()
	}
}

// subscriber receives every value of rx until the channel closes, adding
// each to *got and acknowledging it.
type subscriber struct {
	rx   *broadcast.Receiver[int]
	got  *atomic.Int64
	acks *ackCounter
	c    *countdown
	err  *error
}

func (s *subscriber) Poll(cx *async.Context) (struct{}, bool) {
	for {
		r, ok := s.rx.Recv().Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		if r.Err != nil {
			if !errors.Is(r.Err, broadcast.ErrClosed) {
				*s.err = r.Err
			}
			s.c.done()
			return struct{}{}, true
		}
		s.got.Add(int64(r.Value))
		s.acks.ack()
	}
}

func (s *subscriber) Cancel() { s.rx.Recv().Cancel() }

// broadcastAsync sends n values to fanOut receiver tasks over one
// broadcast channel, one value at a time.
func broadcastAsync(n int, opts []executor.Option) error {
	tx, first := broadcast.New[int](16)
	rxs := []*broadcast.Receiver[int]{first}
	for len(rxs) < fanOut {
		rxs = append(rxs, tx.Subscribe())
	}
	var got atomic.Int64
	acks := new(ackCounter)
	errs := make([]error, fanOut)
	sender := &broadcaster{tx: tx, acks: acks, left: n}
	err := runAsync(opts, &spawnThenWait{n: fanOut, spawn: func(cx *async.Context, i int, c *countdown) {
		async.Spawn[struct{}](cx, &subscriber{rx: rxs[i], got: &got, acks: acks, c: c, err: &errs[i]})
		if i == fanOut-1 {
			async.Spawn[struct{}](cx, sender)
		}
	}})
	return errors.Join(err, sender.err, errors.Join(errs...), checkCount(int(got.Load()), n*fanOut))
}

// updater stores 1, 2, ..., left in tx, each only once the watchers have
// acknowledged the last; then it closes tx.
type updater struct {
	tx      *watch.Sender[int]
	acks    *ackCounter
	next    int
	last    int
	waiting *lock.Notified
	err     error
}

func (u *updater) Poll(cx *async.Context) (struct{}, bool) {
	for {
		if u.waiting != nil {
			if _, ok := u.waiting.Poll(cx); !ok {
				return struct{}{}, false
			}
			u.waiting = nil
		}
		if u.next == u.last {
			u.tx.Close()
			return struct{}{}, true
		}
		u.next++
		u.acks.left.Store(fanOut)
		if err := u.tx.Send(u.next); err != nil {
			u.err = fmt.Errorf("update %d: %w", u.next, err)
			u.tx.Close()
			return struct{}{}, true
		}
		u.waiting = u.acks.acked.Notified()
	}
}

func (u *updater) Cancel() {
	if u.waiting != nil {
		u.waiting.Cancel()
	}
}

// watcher waits for every change of rx until the sender closes, reading
// each new value and acknowledging it.
type watcher struct {
	rx   *watch.Receiver[int]
	seen *atomic.Int64
	acks *ackCounter
	c    *countdown
}

func (w *watcher) Poll(cx *async.Context) (struct{}, bool) {
	for {
		err, ok := w.rx.Changed().Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		if err != nil { // the sender closed
			w.c.done()
			return struct{}{}, true
		}
		w.seen.Add(int64(min(w.rx.BorrowAndMarkSeen(), 1)))
		w.acks.ack()
	}
}

func (w *watcher) Cancel() { w.rx.Changed().Cancel() }

// watchAsync updates a watched value n times, each seen by fanOut watcher
// tasks, one update at a time.
func watchAsync(n int, opts []executor.Option) error {
	tx, first := watch.New(0)
	rxs := []*watch.Receiver[int]{first}
	for len(rxs) < fanOut {
		rxs = append(rxs, tx.Subscribe())
	}
	var seen atomic.Int64
	acks := new(ackCounter)
	sender := &updater{tx: tx, acks: acks, last: n}
	err := runAsync(opts, &spawnThenWait{n: fanOut, spawn: func(cx *async.Context, i int, c *countdown) {
		async.Spawn[struct{}](cx, &watcher{rx: rxs[i], seen: &seen, acks: acks, c: c})
		if i == fanOut-1 {
			async.Spawn[struct{}](cx, sender)
		}
	}})
	return errors.Join(err, sender.err, checkCount(int(seen.Load()), n*fanOut))
}
