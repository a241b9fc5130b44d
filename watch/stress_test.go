package watch

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/park"
	"github.com/asyncgo/async/internal/tasktest"
	"github.com/asyncgo/async/internal/testfut"
)

// order checks what one watcher of an increasing sequence of values sees:
// never a value older than one it saw (strictly newer when it marks what
// it reads seen), and the last value at the end.
type order struct {
	t        testing.TB
	name     string
	strict   bool // reads with BorrowAndMarkSeen: each value newer
	last     uint64
	seen     int
	failed   bool
	progress atomic.Uint64 // last, for the pacer
}

func (o *order) see(v uint64) {
	o.seen++
	if (v < o.last || o.strict && v == o.last) && !o.failed {
		o.failed = true
		o.t.Errorf("%s: saw %d after %d", o.name, v, o.last)
	}
	o.last = v
	o.progress.Store(v)
}

// pacer holds the senders back until the watchers it follows have seen a
// value at most window behind, so that senders and watchers overlap
// instead of the senders finishing before the watchers start.
type pacer struct {
	window   uint64
	followed []*atomic.Uint64 // the last value each followed watcher saw
}

// allows reports whether the value next may be sent.
func (p *pacer) allows(next uint64) bool {
	for _, f := range p.followed {
		if next > f.Load()+p.window {
			return false
		}
	}
	return true
}

// watchTask is a task that watches until the end, yielding after every
// slow changes (0: only when it must wait).
type watchTask struct {
	rx      *Receiver[uint64]
	order   *order
	slow    int
	n       int
	yielded bool
}

func (w *watchTask) Poll(cx *async.Context) (struct{}, bool) {
	for {
		if w.slow > 0 && w.n%w.slow == w.slow-1 && !w.yielded {
			w.yielded = true
			cx.Waker().Wake()
			return struct{}{}, false
		}
		err, ok := w.rx.Changed().Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		w.yielded = false
		w.n++
		if err != nil {
			if !errors.Is(err, ErrClosed) {
				w.order.t.Errorf("%s: %v", w.order.name, err)
			}
			w.rx.Close()
			return struct{}{}, true
		}
		if w.order.strict {
			w.order.see(w.rx.BorrowAndMarkSeen())
		} else {
			w.order.see(w.rx.Borrow())
		}
	}
}

func (w *watchTask) Cancel() { w.rx.Changed().Cancel() }

// cancelTask is a task that watches until the end and cancels every
// other Changed that must wait, right after queueing it, while Sends on
// other workers may be waking it: a cheaper way than a Select to race a
// cancel with the wakes of a Send.
type cancelTask struct {
	rx      *Receiver[uint64]
	order   *order
	pending int
}

func (c *cancelTask) Poll(cx *async.Context) (struct{}, bool) {
	for {
		err, ok := c.rx.Changed().Poll(cx)
		if !ok {
			if c.pending++; c.pending%2 == 0 {
				return struct{}{}, false // wait for the wake
			}
			c.rx.Changed().Cancel()
			cx.Waker().Wake() // and look again
			return struct{}{}, false
		}
		if err != nil {
			if !errors.Is(err, ErrClosed) {
				c.order.t.Errorf("%s: %v", c.order.name, err)
			}
			c.rx.Close()
			return struct{}{}, true
		}
		c.order.see(c.rx.BorrowAndMarkSeen())
	}
}

func (c *cancelTask) Cancel() { c.rx.Changed().Cancel() }

// Senders (tasks, their sends ordered by a lock so that the values 1, 2,
// 3, ... are sent in order) to 100 watching tasks, goroutines, and
// watchers that keep cancelling Changed: no watcher ever sees a value
// older than one it saw, and every watcher sees the last value. (Sending
// goroutines are in TestStressWatchSwapAndChurn: here, one that waits for
// the pacer would wait for the Go scheduler to preempt a worker kept busy
// by the cancelling watchers.)
func TestStressWatchOrdered(t *testing.T) {
	const (
		total       = 250
		senderTasks = 3
		watchTasks  = 100
		watchGos    = 4
		cancellers  = 6
	)
	tx, first := New[uint64](0)
	pace := &pacer{window: 8}
	var mu sync.Mutex // orders the sends
	next := uint64(1)
	// send sends the next value if the pacer allows; more is false once
	// every value is sent.
	send := func() (more, sent bool) {
		mu.Lock()
		defer mu.Unlock()
		if next > total {
			return false, false
		}
		if !pace.allows(next) {
			return true, false
		}
		if err := tx.Send(next); err != nil {
			t.Errorf("Send: %v", err)
		}
		next++
		return true, true
	}

	var orders []*order
	newOrder := func(name string, strict bool) *order {
		o := &order{t: t, name: name, strict: strict}
		orders = append(orders, o)
		return o
	}
	follow := func(o *order) *order {
		pace.followed = append(pace.followed, &o.progress)
		return o
	}
	var tasks []async.Future[struct{}]
	for i := range watchTasks {
		rx := first
		if i > 0 {
			rx = tx.Subscribe()
		}
		o := newOrder("task watcher", i%2 == 0)
		if i%10 == 0 {
			follow(o)
		}
		tasks = append(tasks, &watchTask{rx: rx, order: o, slow: i % 5})
	}
	var wg sync.WaitGroup
	for i := range watchGos {
		rx, o := tx.Subscribe(), newOrder("goroutine watcher", i%2 == 0)
		wg.Go(func() {
			defer rx.Close()
			for rx.ChangedBlocking() == nil {
				if o.strict {
					o.see(rx.BorrowAndMarkSeen())
				} else {
					o.see(rx.Borrow())
				}
			}
		})
	}
	for i := range cancellers {
		rx, o := tx.Subscribe(), newOrder("cancelling watcher", true)
		if i%3 != 0 {
			tasks = append(tasks, &cancelTask{rx: rx, order: o})
			continue
		}
		tasks = append(tasks, async.Go(func(co *async.Co) struct{} {
			defer rx.Close()
			for {
				// The Yield wins whenever no change is there at once, so
				// most Changed are cancelled, some just after a Send woke
				// them.
				sel := async.Await(co, async.Select(changed(rx), async.Future[error](async.Map(async.Yield(),
					func(struct{}) error { return errYielded }))))
				switch {
				case sel.Value == errYielded:
				case sel.Value != nil:
					return struct{}{}
				default:
					o.see(rx.BorrowAndMarkSeen())
				}
			}
		}))
	}

	var senders sync.WaitGroup
	for range senderTasks {
		senders.Add(1)
		tasks = append(tasks, async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
			for n := 1; ; n++ {
				more, sent := send()
				if !more {
					senders.Done()
					return struct{}{}, true
				}
				if !sent || n%4 == 0 { // give way
					cx.Waker().Wake()
					return struct{}{}, false
				}
			}
		}))
	}
	go func() { senders.Wait(); tx.Close() }()
	tasktest.Stress(t, tasks...)
	wg.Wait()

	seen := 0
	for _, o := range orders {
		if o.last != total {
			t.Errorf("%s: last saw %d; want %d", o.name, o.last, total)
		}
		seen += o.seen
	}
	t.Logf("%d watchers saw %d of their %d values", len(orders), seen, len(orders)*total)
	checkIdle(t, first.c)
}

// errYielded marks the Yield branch of a select.
var errYielded = errors.New("yielded")

// Senders that do not coordinate, all with Swap, to watchers that come and
// go (subscribers and clones) and goroutines that cancel Changed by hand:
// per sender, a watcher never sees an older value after a newer one; each
// value but the last is replaced exactly once, so every Swap returns a
// different value; nothing waits at the end.
func TestStressWatchSwapAndChurn(t *testing.T) {
	const (
		senders   = 4 // half tasks, half goroutines
		perSender = 1500
		churners  = 16
		handPolls = 6
	)
	// A value is sender<<32 | sequence, sequences from 1; 0 is the
	// initial value.
	tx, first := New[uint64](0)
	type perSenderOrder struct {
		last   [senders]uint64
		failed bool
	}
	see := func(o *perSenderOrder, v uint64) {
		if v == 0 {
			return
		}
		s, i := v>>32, v&(1<<32-1)
		if i < o.last[s] && !o.failed {
			o.failed = true
			t.Errorf("sender %d: saw %d after %d", s, i, o.last[s])
		}
		o.last[s] = i
	}

	// The senders count their swaps, and keep within window of what the
	// hand-polling watchers have seen: a watcher notes the count after
	// each value it sees. A swap may be seen before it is counted, at most
	// one per sender, so a window above the number of senders always
	// leaves a change a blocked sender waits for.
	var swaps atomic.Uint64
	pace := &pacer{window: 2 * senders}

	var churning atomic.Bool
	churning.Store(true)
	var tasks []async.Future[struct{}]
	for c := range churners {
		tasks = append(tasks, async.Go(func(co *async.Co) struct{} {
			for churning.Load() {
				var rx *Receiver[uint64]
				if c%2 == 0 {
					rx = tx.Subscribe()
				} else {
					rx = first.Clone()
				}
				o := &perSenderOrder{}
				see(o, rx.Borrow())
				for range 3 {
					if async.Await(co, changed(rx)) != nil {
						break
					}
					see(o, rx.BorrowAndMarkSeen())
				}
				rx.Close()
			}
			return struct{}{}
		}))
	}
	var wg sync.WaitGroup
	for range handPolls {
		rx := tx.Subscribe()
		progress := new(atomic.Uint64)
		pace.followed = append(pace.followed, progress)
		wg.Go(func() {
			defer rx.Close()
			o := &perSenderOrder{}
			w := park.New()
			cx := testfut.NewContext(w)
			for n := 0; ; n++ {
				testfut.ResetBudget(cx)
				err, ok := rx.Changed().Poll(cx)
				for !ok && n%3 != 0 {
					w.Wait()
					testfut.ResetBudget(cx)
					err, ok = rx.Changed().Poll(cx)
				}
				if !ok {
					rx.Changed().Cancel() // waiting, perhaps already woken
					continue
				}
				if err != nil {
					progress.Store(^uint64(0) >> 1) // do not wait for me
					return
				}
				see(o, rx.BorrowAndMarkSeen())
				progress.Store(swaps.Load())
			}
		})
	}

	replaced := make([][]uint64, senders)
	var sendersDone sync.WaitGroup
	for s := range senders {
		sendersDone.Add(1)
		v := func(i int) uint64 { return uint64(s)<<32 | uint64(i+1) }
		if s%2 == 0 {
			go func() {
				defer sendersDone.Done()
				for i := range perSender {
					for !pace.allows(swaps.Load()) {
						runtime.Gosched()
					}
					replaced[s] = append(replaced[s], tx.Swap(v(i)))
					swaps.Add(1)
				}
			}()
			continue
		}
		i, yielded := 0, false
		tasks = append(tasks, async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
			for ; i < perSender; i++ {
				if (i%8 == 7 || !pace.allows(swaps.Load())) && !yielded { // give way
					yielded = true
					cx.Waker().Wake()
					return struct{}{}, false
				}
				yielded = false
				replaced[s] = append(replaced[s], tx.Swap(v(i)))
				swaps.Add(1)
			}
			sendersDone.Done()
			return struct{}{}, true
		}))
	}
	go func() {
		sendersDone.Wait()
		churning.Store(false)
		tx.Close()
	}()
	tasktest.Stress(t, tasks...)
	wg.Wait()
	first.Close()

	// Every value but the last was replaced exactly once.
	count := map[uint64]int{tx.Borrow(): 1}
	for _, vs := range replaced {
		for _, v := range vs {
			count[v]++
		}
	}
	if len(count) != senders*perSender+1 {
		t.Errorf("%d different values replaced or last; want %d", len(count), senders*perSender+1)
	}
	for v, n := range count {
		if n != 1 {
			t.Errorf("value %#x replaced %d times", v, n)
		}
	}
	checkIdle(t, first.c)
	if n := tx.ReceiverCount(); n != 0 {
		t.Errorf("%d receivers open at the end", n)
	}
}
