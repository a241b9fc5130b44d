package async

import (
	"sync/atomic"

	"github.com/asyncgo/async/task"
)

// branchSet is the wake bookkeeping that Join and Select share. Each child
// future (a branch) is polled with a waker of its own, the *branch; a wake
// pushes that branch onto a lock-free stack and wakes the combinator's own
// waker (the parent). The combinator's next poll takes the whole stack with
// one swap and polls only the branches on it, so a poll costs O(woken), not
// O(children): the idea of tokio's FuturesUnordered.
//
// The first poll polls every child in index order, since each must be
// polled once to register a waker at all. Until then every branch counts
// as queued, so wakes that come before it are already accounted for.
//
// Only the polling goroutine touches started and cx; woken and parent are
// shared with wakers on any goroutine, and the branches' queued flags too.
type branchSet struct {
	branches []branch

	// woken is a Treiber stack of the branches woken since the last poll,
	// newest first. Wakers push one branch at a time; the poller takes the
	// whole stack with a swap, so there is no pop and no ABA problem.
	woken atomic.Pointer[branch]

	// parent holds the waker of the task polling the combinator. A poll
	// replaces it when the task's waker changed (a box is allocated only
	// then); finish clears it, so a finished combinator keeps no waker.
	parent atomic.Pointer[parentWaker]

	started bool    // the first poll, which polls every child, has run
	cx      Context // what a child is polled with; see pollBranch
}

// parentWaker boxes a Waker so that it can be swapped atomically.
type parentWaker struct{ w Waker }

// branch is one child's waker and its node in the woken stack.
type branch struct {
	set   *branchSet
	index int // the child's position among the combinator's futures

	// next links the branch in set.woken. The waker that pushes the branch
	// writes it before the compare-and-swap that publishes the branch; the
	// poller reads it after the swap that takes the stack and before it
	// clears queued. While queued is set nobody else writes it.
	next *branch

	// queued is set while the branch is on the woken stack or due for the
	// first poll: a second wake then has nothing to add.
	queued atomic.Bool
}

// branchPoller is a combinator as the branchSet sees it.
type branchPoller interface {
	// pollBranch polls child i with cx, which carries that child's waker,
	// and reports whether the combinator is finished: a Select has a
	// winner, a Join has every value. A late wake of a child that is
	// already ready asks for it too, so it must check that the child is
	// still pending.
	pollBranch(i int, cx *Context) (finished bool)
}

// init makes the set's branches, in storage that the combinator provides
// (an array in itself for two or three children, a slice for more).
func (s *branchSet) init(branches []branch) {
	s.branches = branches
	for i := range branches {
		b := &branches[i]
		b.set, b.index = s, i
		b.queued.Store(true) // due for the first poll
	}
}

// Wake records that the branch's child can make progress and wakes the
// combinator's task. It is safe from any goroutine and never allocates.
func (b *branch) Wake() {
	if !b.queued.CompareAndSwap(false, true) {
		return // already due for a poll; whoever queued it woke the parent
	}
	s := b.set
	for {
		head := s.woken.Load()
		b.next = head
		if s.woken.CompareAndSwap(head, b) {
			break
		}
	}
	// The poller stores the new parent before it swaps the stack, and we
	// read the parent after pushing: either that poll takes our branch, or
	// we see its waker (atomics in Go are sequentially consistent).
	if p := s.parent.Load(); p != nil {
		p.w.Wake()
	}
}

// poll polls the children that need it: all of them the first time, then
// those woken since the last poll, in the order they were woken. It stops
// as soon as p reports that the combinator is finished.
func (s *branchSet) poll(cx *Context, p branchPoller) (finished bool) {
	s.setParent(cx.Waker())
	if !s.started {
		s.started = true
		for i := range s.branches {
			if s.pollBranch(cx, p, &s.branches[i]) {
				return true
			}
		}
		return false
	}
	for b := s.takeWoken(); b != nil; {
		next := b.next
		if s.pollBranch(cx, p, b) {
			return true
		}
		b = next
	}
	return false
}

// pollBranch polls one child with the branch as its waker.
//
// The child's Context is the set's own copy, refreshed from cx before each
// poll rather than made once: a copy kept across polls would keep the
// executor and the cooperative budget of the poll that made it, and its
// budget would never be refilled. Copying a few words costs nothing next to
// a poll and allocates nothing. The budget the child used is handed back.
func (s *branchSet) pollBranch(cx *Context, p branchPoller, b *branch) bool {
	// Clear queued before polling: a wake from now on, even one made by
	// the child during this poll, queues the branch again.
	b.queued.Store(false)
	s.cx = *cx
	s.cx.task().SetWaker(b)
	finished := p.pollBranch(b.index, &s.cx)
	cx.task().SetRemaining(s.cx.task().Remaining())
	s.cx.task().SetWaker(nil)
	return finished
}

// takeWoken empties the woken stack and returns its branches oldest first.
func (s *branchSet) takeWoken() *branch {
	var oldest *branch
	for b := s.woken.Swap(nil); b != nil; {
		next := b.next
		b.next = oldest
		oldest = b
		b = next
	}
	return oldest
}

// setParent records w as the waker to wake when a child wakes, unless it
// is already the one recorded.
func (s *branchSet) setParent(w Waker) {
	if p := s.parent.Load(); p != nil && task.SameWaker(p.w, w) {
		return
	}
	s.parent.Store(&parentWaker{w})
}

// finish releases the parent's waker: the combinator is complete or
// cancelled, and a late wake of a child must not keep its task alive.
func (s *branchSet) finish() {
	s.parent.Store(nil)
	s.cx = Context{}
}
