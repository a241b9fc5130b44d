package broadcast

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

// seqCheck checks what one receiver of an exact sequence 0, 1, 2, ...
// gets: each value is the one after the last, except that a LaggedError
// of m moves the expected value on by exactly m.
type seqCheck struct {
	t        testing.TB
	name     string
	want     uint64 // the next value due
	lags     int
	missed   uint64
	failed   bool
	progress atomic.Uint64 // want, for the pacer
}

// see checks one result and reports whether the stream ended.
func (c *seqCheck) see(v uint64, err error) (end bool) {
	var lag *LaggedError
	switch {
	case err == nil:
		if v != c.want && !c.failed {
			c.failed = true
			c.t.Errorf("%s: got %d; want %d", c.name, v, c.want)
		}
		c.want = v + 1
	case errors.As(err, &lag):
		if lag.Missed == 0 {
			c.t.Errorf("%s: a lag of 0", c.name)
		}
		c.lags++
		c.missed += lag.Missed
		c.want += lag.Missed
	case errors.Is(err, ErrClosed):
		return true
	default:
		c.t.Errorf("%s: %v", c.name, err)
		return true
	}
	c.progress.Store(c.want)
	return false
}

// pacer holds the senders back so that the receivers it follows are
// never more than window values behind the tail: with a window of the
// capacity they must never lag, while the others may.
type pacer struct {
	window   uint64
	followed []*atomic.Uint64 // how far each followed receiver has read
}

// allows reports whether the value at position next may be sent.
func (p *pacer) allows(next uint64) bool {
	for _, f := range p.followed {
		if next >= f.Load()+p.window {
			return false
		}
	}
	return true
}

// recvTask is a task that receives into check until the end, yielding
// after every slow values (0: only when it must wait).
type recvTask struct {
	rx      *Receiver[uint64]
	check   *seqCheck
	slow    int
	n       int
	yielded bool
}

func (r *recvTask) Poll(cx *async.Context) (struct{}, bool) {
	for {
		if r.slow > 0 && r.n%r.slow == r.slow-1 && !r.yielded {
			r.yielded = true
			cx.Waker().Wake()
			return struct{}{}, false
		}
		res, ok := r.rx.Recv().Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		r.yielded = false
		r.n++
		if r.check.see(res.Value, res.Err) {
			r.rx.Close()
			return struct{}{}, true
		}
	}
}

func (r *recvTask) Cancel() { r.rx.Recv().Cancel() }

// Senders (tasks and goroutines, their sends ordered by a lock so that the
// stream is 0, 1, 2, ...) into 100 receiving tasks and some goroutines:
// every receiver sees a strictly increasing sequence whose every gap is a
// LaggedError of exactly the gap's size, and ends at the last value. The
// senders keep pace with some receivers, which therefore never lag, and
// not with the others (some slow, one that reads only after the last
// send), which may.
func TestStressBroadcastExactLag(t *testing.T) {
	const (
		capacity      = 16
		total         = 500
		senderTasks   = 2
		senderGorouts = 2
		receiverTasks = 100
		receiverGos   = 4
	)
	tx, first := New[uint64](capacity)
	pace := &pacer{window: capacity}
	var order sync.Mutex // orders the sends: the value is the position
	next := uint64(0)
	// send sends the next value if the pacer allows; more is false once
	// every value is sent.
	send := func(s *Sender[uint64]) (more, sent bool) {
		order.Lock()
		defer order.Unlock()
		if next == total {
			return false, false
		}
		if !pace.allows(next) {
			return true, false
		}
		if _, err := s.Send(next); err != nil {
			t.Errorf("Send: %v", err)
		}
		next++
		return true, true
	}

	var checks, followed []*seqCheck
	newCheck := func(name string, follow bool) *seqCheck {
		c := &seqCheck{t: t, name: name}
		checks = append(checks, c)
		if follow {
			followed = append(followed, c)
			pace.followed = append(pace.followed, &c.progress)
		}
		return c
	}
	var tasks []async.Future[struct{}]
	for i := range receiverTasks {
		rx := first
		if i > 0 {
			rx = tx.Subscribe()
		}
		slow := i % 7 // 0: followed; else yields before every slow-th value
		tasks = append(tasks, &recvTask{rx: rx, check: newCheck("task receiver", slow == 0), slow: slow})
	}
	var wg sync.WaitGroup
	for range receiverGos {
		rx, c := tx.Subscribe(), newCheck("goroutine receiver", true)
		wg.Go(func() {
			defer rx.Close()
			for !c.see(rx.RecvBlocking()) {
			}
		})
	}
	late, lateCheck := tx.Subscribe(), newCheck("late receiver", false)
	sent := make(chan struct{})
	wg.Go(func() {
		defer late.Close()
		<-sent
		for !lateCheck.see(late.RecvBlocking()) {
		}
	})

	var senders sync.WaitGroup
	for range senderGorouts {
		s := tx.Clone()
		senders.Go(func() {
			defer s.Close()
			for {
				more, sent := send(s)
				if !more {
					return
				}
				if !sent {
					runtime.Gosched()
				}
			}
		})
	}
	for range senderTasks {
		s := tx.Clone()
		senders.Add(1)
		tasks = append(tasks, async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
			for n := 1; ; n++ {
				more, sent := send(s)
				if !more {
					s.Close()
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
	tx.Close() // only the clones remain
	go func() { senders.Wait(); close(sent) }()
	tasktest.Stress(t, tasks...)
	wg.Wait()

	lags, missed := 0, uint64(0)
	for _, c := range checks {
		if c.want != total {
			t.Errorf("%s ended after %d; want %d", c.name, c.want, total)
		}
		lags += c.lags
		missed += c.missed
	}
	for _, c := range followed {
		if c.lags != 0 {
			t.Errorf("%s lagged %d times, missing %d values, though never more than the capacity behind",
				c.name, c.lags, c.missed)
		}
	}
	if lateCheck.missed != total-capacity {
		t.Errorf("the late receiver missed %d; want %d", lateCheck.missed, total-capacity)
	}
	t.Logf("%d receivers: %d values received, %d lags, %d values missed",
		len(checks), uint64(len(checks)*total)-missed, lags, missed)
	checkIdle(t, first.c)
}

// Senders that do not coordinate (tasks and goroutines) into receivers
// that keep cancelling their Recv (tasks through Select, goroutines by
// hand) and receivers that come and go: per sender, every receiver sees
// that sender's values in order; what each receiver that stayed got or
// was told it missed adds up to every value sent; nothing waits at the end.
func TestStressBroadcastCancelAndChurn(t *testing.T) {
	const (
		capacity   = 8
		senders    = 4 // half tasks, half goroutines
		perSender  = 100
		total      = senders * perSender
		cancellers = 20
		churners   = 8
	)
	tx, first := New[uint64](capacity)

	// tally counts what one receiver got and missed, and checks each
	// sender's values arrive in order.
	type tally struct {
		got, missed uint64
		last        [senders]int64
		progress    atomic.Uint64 // got+missed, for the pacer
	}
	pace := &pacer{window: capacity - 2} // senders race past it: a lag now and then
	var sent atomic.Uint64
	see := func(tl *tally, v uint64, err error) (end bool) {
		var lag *LaggedError
		switch {
		case err == nil:
			s, i := v/perSender, int64(v%perSender)
			if i <= tl.last[s] {
				t.Errorf("sender %d: value %d after %d", s, i, tl.last[s])
			}
			tl.last[s] = i
			tl.got++
		case errors.As(err, &lag):
			tl.missed += lag.Missed
		case errors.Is(err, ErrClosed):
			return true
		default:
			t.Errorf("Recv: %v", err)
			return true
		}
		tl.progress.Store(tl.got + tl.missed)
		return false
	}
	newTally := func() *tally {
		tl := &tally{}
		for i := range tl.last {
			tl.last[i] = -1
		}
		return tl
	}

	var tallies []*tally
	var tasks []async.Future[struct{}]
	var wg sync.WaitGroup
	for i := range cancellers {
		rx := first
		if i > 0 {
			rx = tx.Subscribe()
		}
		tl := newTally()
		tallies = append(tallies, tl)
		pace.followed = append(pace.followed, &tl.progress)
		if i%2 == 0 {
			tasks = append(tasks, async.Go(func(co *async.Co) struct{} {
				defer rx.Close()
				for {
					// The Yield wins whenever no value is ready at once, so
					// most Recvs are cancelled, some just after a send woke
					// them.
					sel := async.Await(co, async.Select(recv(rx), async.Future[async.Result[uint64]](async.Map(async.Yield(),
						func(struct{}) async.Result[uint64] { return async.Result[uint64]{} }))))
					if sel.Index == 0 && see(tl, sel.Value.Value, sel.Value.Err) {
						return struct{}{}
					}
				}
			}))
			continue
		}
		wg.Go(func() {
			defer rx.Close()
			w := park.New()
			cx := testfut.NewContext(w)
			for n := 0; ; n++ {
				testfut.ResetBudget(cx)
				r, ok := rx.Recv().Poll(cx)
				for !ok && n%3 != 0 {
					w.Wait()
					testfut.ResetBudget(cx)
					r, ok = rx.Recv().Poll(cx)
				}
				if !ok {
					rx.Recv().Cancel() // waiting, perhaps already woken
					continue
				}
				if see(tl, r.Value, r.Err) {
					return
				}
			}
		})
	}
	// Receivers that subscribe, read a little and close, over and over.
	var churning atomic.Bool
	churning.Store(true)
	for range churners {
		tasks = append(tasks, async.Go(func(co *async.Co) struct{} {
			for churning.Load() {
				rx := tx.Subscribe()
				tl := newTally()
				for range 3 {
					r := async.Await(co, recv(rx))
					if see(tl, r.Value, r.Err) {
						break
					}
				}
				rx.Close()
			}
			return struct{}{}
		}))
	}

	var sendersDone sync.WaitGroup
	for s := range senders {
		h := tx.Clone()
		sendersDone.Add(1)
		if s%2 == 0 {
			go func() {
				defer sendersDone.Done()
				defer h.Close()
				for i := range perSender {
					for !pace.allows(sent.Load()) {
						runtime.Gosched()
					}
					if _, err := h.Send(uint64(s*perSender + i)); err != nil {
						t.Errorf("Send: %v", err)
					}
					sent.Add(1)
				}
			}()
			continue
		}
		i, yielded := 0, false
		tasks = append(tasks, async.PollFunc[struct{}](func(cx *async.Context) (struct{}, bool) {
			for ; i < perSender; i++ {
				if (i%4 == 3 || !pace.allows(sent.Load())) && !yielded { // give way
					yielded = true
					cx.Waker().Wake()
					return struct{}{}, false
				}
				yielded = false
				if _, err := h.Send(uint64(s*perSender + i)); err != nil {
					t.Errorf("Send: %v", err)
				}
				sent.Add(1)
			}
			h.Close()
			sendersDone.Done()
			return struct{}{}, true
		}))
	}
	go func() {
		sendersDone.Wait()
		churning.Store(false)
		tx.Close() // after the churners' last Subscribe could need it open
	}()
	tasktest.Stress(t, tasks...)
	wg.Wait()
	var got, missed uint64
	for i, tl := range tallies {
		if tl.got+tl.missed != total {
			t.Errorf("receiver %d: got %d and missed %d; want %d in all", i, tl.got, tl.missed, total)
		}
		got, missed = got+tl.got, missed+tl.missed
	}
	t.Logf("%d receivers that stayed: %d values received, %d missed", len(tallies), got, missed)
	checkIdle(t, first.c)
	if n := first.c.receiverCount(); n != 0 {
		t.Errorf("%d receivers open at the end", n)
	}
}
