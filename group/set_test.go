package group

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/testfut"
)

// Next reports tasks in the order they finish, not the order they were
// spawned in.
func TestNextCompletionOrder(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		got := run(t, x, async.Go(func(co *async.Co) []int {
			for i, d := range []time.Duration{3, 1, 4, 2} {
				s.Spawn(co.Context(), sleepThen(d*time.Second, i))
			}
			var got []int
			for {
				r := async.Await(co, s.Next())
				if errors.Is(r.Err, ErrEmpty) {
					return got
				}
				if r.Err != nil {
					t.Errorf("Next: %v", r.Err)
				}
				got = append(got, r.Value)
			}
		}))
		if want := []int{1, 3, 0, 2}; !slices.Equal(got, want) {
			t.Errorf("Next order = %v; want %v", got, want)
		}
		checkIdle(t, &s.c)
	})
}

// Tasks completed by hand, one at a time, in an order of the test's.
func TestNextReportsEachAsItFinishes(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		fs := []*testfut.Future[int]{testfut.New[int](), testfut.New[int](), testfut.New[int]()}
		run(t, x, async.Go(func(co *async.Co) struct{} {
			for _, f := range fs {
				s.Spawn(co.Context(), f)
			}
			for k, i := range []int{2, 0, 1} {
				fs[i].Complete(i * 10)
				if r := async.Await(co, s.Next()); r.Value != i*10 || r.Err != nil {
					t.Errorf("Next = %+v; want %d", r, i*10)
				}
				if n := s.Len(); n != 2-k {
					t.Errorf("Len after %d results = %d; want %d", k+1, n, 2-k)
				}
			}
			if r := async.Await(co, s.Next()); !errors.Is(r.Err, ErrEmpty) {
				t.Errorf("Next on an empty set = %+v; want ErrEmpty", r)
			}
			return struct{}{}
		}))
		for _, f := range fs {
			testfut.AssertNotCancelled(t, f)
		}
		testfut.AssertClean(t, testfut.Probes(fs)...)
		checkIdle(t, &s.c)
	})
}

func TestZeroSetIsEmpty(t *testing.T) {
	var s Set[string]
	if s.Len() != 0 {
		t.Errorf("Len = %d; want 0", s.Len())
	}
	cx := testfut.NewContext(async.NoopWaker())
	if r, ok := s.Next().Poll(cx); !ok || !errors.Is(r.Err, ErrEmpty) {
		t.Errorf("Next = %+v, %v; want ErrEmpty", r, ok)
	}
	if err, ok := s.Wait().Poll(cx); !ok || err != nil {
		t.Errorf("Wait = %v, %v; want nil at once", err, ok)
	}
	if _, err := s.NextBlocking(); !errors.Is(err, ErrEmpty) {
		t.Errorf("NextBlocking = %v; want ErrEmpty", err)
	}
	if ErrEmpty.Error() != "group: set is empty" {
		t.Errorf("ErrEmpty's text = %q", ErrEmpty.Error())
	}
}

// A panic in one task is its result, a *async.PanicError; the future is
// cancelled after it, and the other tasks carry on.
func TestPanicIsReported(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		pf := &panicFuture{}
		got := run(t, x, async.Go(func(co *async.Co) []async.Result[int] {
			s.Spawn(co.Context(), pf)
			s.Spawn(co.Context(), sleepThen(time.Second, 5))
			return []async.Result[int]{async.Await(co, s.Next()), async.Await(co, s.Next())}
		}))
		var pe *async.PanicError
		if !errors.As(got[0].Err, &pe) || pe.Value != "kaboom" || len(pe.Stack) == 0 {
			t.Errorf("first Next = %+v; want a PanicError of kaboom with a stack", got[0])
		}
		if got[1].Value != 5 || got[1].Err != nil {
			t.Errorf("second Next = %+v; want 5", got[1])
		}
		if pf.cancels != 1 {
			t.Errorf("the panicking future was cancelled %d times; want once", pf.cancels)
		}
	})
}

// A coroutine's panic keeps its own PanicError, with the coroutine's stack.
func TestCoroutinePanicKeepsItsError(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		r := run(t, x, async.Go(func(co *async.Co) async.Result[int] {
			s.Spawn(co.Context(), async.Go(func(co *async.Co) int {
				async.Await(co, async.Yield())
				panic(errBoom)
			}))
			return async.Await(co, s.Next())
		}))
		var pe *async.PanicError
		if !errors.As(r.Err, &pe) || !errors.Is(r.Err, errBoom) {
			t.Errorf("Next = %+v; want a PanicError wrapping errBoom", r)
		}
	})
}

// AbortAll cancels every running task's future; each is reported with
// ErrAborted, and a task that had finished keeps its value.
func TestAbortAll(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		fs := []*testfut.Future[int]{testfut.New[int](), testfut.New[int](), testfut.New[int]()}
		got := run(t, x, async.Go(func(co *async.Co) []async.Result[int] {
			for _, f := range fs {
				s.Spawn(co.Context(), f)
			}
			fs[1].Complete(11)
			// Every task has been polled (some wait with a waker stored)
			// and the completed one has finished.
			async.Await(co, until(func() bool { return fs[0].Waker() != nil && fs[2].Waker() != nil && s.readyLen() == 1 }))
			s.AbortAll()
			var got []async.Result[int]
			for range 3 {
				got = append(got, async.Await(co, s.Next()))
			}
			// AbortAll does not close: a later task runs.
			s.Spawn(co.Context(), async.Ready(7))
			got = append(got, async.Await(co, s.Next()))
			return got
		}))
		if got[0].Value != 11 || got[0].Err != nil {
			t.Errorf("first Next = %+v; want the finished task's 11", got[0])
		}
		for _, r := range got[1:3] {
			if !errors.Is(r.Err, async.ErrAborted) {
				t.Errorf("Next after AbortAll = %+v; want ErrAborted", r)
			}
		}
		if got[3].Value != 7 {
			t.Errorf("a task spawned after AbortAll = %+v; want 7", got[3])
		}
		testfut.AssertCancelled(t, fs[0])
		testfut.AssertCancelled(t, fs[2])
		testfut.AssertNotCancelled(t, fs[1])
		testfut.AssertClean(t, testfut.Probes(fs)...)
		checkIdle(t, &s.c)
	})
}

// A task aborted before its first poll never polls its future: it is
// cancelled at once.
func TestAbortBeforeFirstPoll(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		f := testfut.New[int]()
		r := run(t, x, async.Go(func(co *async.Co) async.Result[int] {
			s.Close()
			s.Spawn(co.Context(), f) // a closed set aborts it at once
			return async.Await(co, s.Next())
		}))
		if !errors.Is(r.Err, async.ErrAborted) {
			t.Errorf("Next = %+v; want ErrAborted", r)
		}
		testfut.AssertPolls(t, f, 0)
		testfut.AssertCancelled(t, f)
	})
}

// Close aborts the tasks running and those spawned after it, without
// waiting; their futures are cancelled and Next reports them.
func TestCloseAbortsRestAndLater(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		early := []*testfut.Future[int]{testfut.New[int](), testfut.New[int]()}
		late := testfut.New[int]()
		n := run(t, x, async.Go(func(co *async.Co) int {
			for _, f := range early {
				s.Spawn(co.Context(), f)
			}
			async.Await(co, until(func() bool { return early[0].Waker() != nil && early[1].Waker() != nil }))
			s.Close()
			s.Close() // twice does nothing more
			s.Spawn(co.Context(), late)
			aborted := 0
			for {
				r := async.Await(co, s.Next())
				if errors.Is(r.Err, ErrEmpty) {
					return aborted
				}
				if errors.Is(r.Err, async.ErrAborted) {
					aborted++
				}
			}
		}))
		if n != 3 {
			t.Errorf("%d tasks reported ErrAborted; want 3", n)
		}
		testfut.AssertCancelled(t, early[0])
		testfut.AssertCancelled(t, early[1])
		testfut.AssertCancelled(t, late)
		testfut.AssertPolls(t, late, 0)
		testfut.AssertClean(t, early[0], early[1], late)
	})
}

// Shutdown returns only once every task has ended, so every future's
// Cancel has run, and drops their results.
func TestShutdownAwaitsCancel(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		fs := make([]*testfut.Future[int], 20)
		run(t, x, async.Go(func(co *async.Co) struct{} {
			for i := range fs {
				fs[i] = testfut.New[int]()
				s.Spawn(co.Context(), fs[i])
			}
			// Half have been polled when Shutdown starts, half maybe not.
			async.Await(co, until(func() bool { return fs[9].Waker() != nil }))
			fs[3].Complete(3) // finished: its result is dropped
			async.Await(co, s.Shutdown())
			for i, f := range fs {
				if i != 3 && f.Cancels() != 1 {
					t.Errorf("after Shutdown, future %d was cancelled %d times; want once", i, f.Cancels())
				}
			}
			if n := s.Len(); n != 0 {
				t.Errorf("Len after Shutdown = %d; want 0", n)
			}
			if r := async.Await(co, s.Next()); !errors.Is(r.Err, ErrEmpty) {
				t.Errorf("Next after Shutdown = %+v; want ErrEmpty", r)
			}
			return struct{}{}
		}))
		testfut.AssertClean(t, testfut.Probes(fs)...)
		checkIdle(t, &s.c)
	})
}

// Wait drops every result and reports the first failure.
func TestWait(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		errs := run(t, x, async.Go(func(co *async.Co) []error {
			for i := range 5 {
				s.Spawn(co.Context(), sleepThen(time.Duration(i)*time.Second, i))
			}
			ok := async.Await(co, s.Wait())
			s.Spawn(co.Context(), sleepThen(time.Second, 1))
			s.Spawn(co.Context(), &panicFuture{})
			failed := async.Await(co, s.Wait())
			return []error{ok, failed}
		}))
		if errs[0] != nil {
			t.Errorf("Wait of tasks that all succeeded = %v; want nil", errs[0])
		}
		var pe *async.PanicError
		if !errors.As(errs[1], &pe) {
			t.Errorf("Wait with a panicking task = %v; want a PanicError", errs[1])
		}
		checkIdle(t, &s.c)
	})
}

// A task that finishes while several futures wait wakes them all; the
// one that takes the result returns it and the others wait on.
func TestNextAndWaitTogether(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		f := testfut.New[int]()
		run(t, x, async.Go(func(co *async.Co) struct{} {
			s.Spawn(co.Context(), f)
			waiter := async.Spawn(co.Context(), async.Future[error](s.Wait()))
			async.Await(co, until(func() bool { return s.c.waiting() == 1 }))
			f.Complete(1)
			r := async.Await(co, s.Next())
			if r.Err != nil && !errors.Is(r.Err, ErrEmpty) {
				t.Errorf("Next = %+v", r)
			}
			// Either Next took the result, and the Wait learned that the
			// set is empty, or the Wait dropped it and Next found it empty.
			if w := async.Await(co, waiter); w.Err != nil || w.Value != nil {
				t.Errorf("Wait = %+v; want nil", w)
			}
			return struct{}{}
		}))
		checkIdle(t, &s.c)
	})
}

// When the executor shuts down with tasks of a set still running, each
// future is cancelled, the set reports ErrShutdown for each, and nothing
// is leaked (TestMain checks the goroutines of the coroutines).
func TestExecutorShutdownWithSetAlive(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		var s Set[int]
		fs := []*testfut.Future[int]{testfut.New[int](), testfut.New[int]()}
		run(t, x, async.Go(func(co *async.Co) struct{} {
			for _, f := range fs {
				s.Spawn(co.Context(), f)
			}
			s.Spawn(co.Context(), sleepThen(time.Hour*2, 0)) // a coroutine, stuck in a sleep
			s.Spawn(co.Context(), async.Go(func(co *async.Co) int {
				return async.Await(co, async.Pending[int]())
			}))
			async.Await(co, until(func() bool { return fs[0].Waker() != nil && fs[1].Waker() != nil }))
			return struct{}{}
		}))
		if n := s.Len(); n != 4 {
			t.Fatalf("Len after the executor shut down = %d; want 4", n)
		}
		for range 4 {
			if _, err := s.NextBlocking(); !errors.Is(err, async.ErrShutdown) {
				t.Errorf("NextBlocking = %v; want ErrShutdown", err)
			}
		}
		if _, err := s.NextBlocking(); !errors.Is(err, ErrEmpty) {
			t.Errorf("NextBlocking = %v; want ErrEmpty", err)
		}
		for _, f := range fs {
			testfut.AssertCancelled(t, f)
		}
		checkIdle(t, &s.c)
	})
}

// SpawnOn fills a set from a plain goroutine, and NextBlocking reaps it
// there while the executor runs on another goroutine.
func TestSpawnOnAndNextBlocking(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ex := x.New(t)
		var s Set[int]
		for i := range 10 {
			s.SpawnOn(ex, async.Go(func(co *async.Co) int {
				async.Await(co, async.Yield())
				return i
			}))
		}
		stop := testfut.New[struct{}]()
		done := make(chan error)
		go func() {
			_, err := executor.BlockOn(ex, async.Future[struct{}](stop))
			done <- err
		}()
		seen := make([]bool, 10)
		for range 10 {
			v, err := s.NextBlocking()
			if err != nil || seen[v] {
				t.Errorf("NextBlocking = %d, %v", v, err)
				continue
			}
			seen[v] = true
		}
		if _, err := s.NextBlocking(); !errors.Is(err, ErrEmpty) {
			t.Errorf("NextBlocking = %v; want ErrEmpty", err)
		}
		stop.Complete(struct{}{})
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		checkIdle(t, &s.c)
	})
}

// A task spawned onto a closed executor is cancelled at once and reported
// with ErrShutdown.
func TestSpawnOnClosedExecutor(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ex, err := x.Make()
		if err != nil {
			t.Fatal(err)
		}
		ex.Close()
		var s Set[int]
		f := testfut.New[int]()
		s.SpawnOn(ex, f)
		if _, err := s.NextBlocking(); !errors.Is(err, async.ErrShutdown) {
			t.Errorf("NextBlocking = %v; want ErrShutdown", err)
		}
		testfut.AssertCancelled(t, f)
		testfut.AssertPolls(t, f, 0)
	})
}

// Wait from a plain goroutine sees every task end.
func TestWaitBlocking(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ex := x.New(t)
		var s Set[int]
		fs := []*testfut.Future[int]{testfut.New[int](), testfut.New[int]()}
		for _, f := range fs {
			s.SpawnOn(ex, f)
		}
		done := make(chan error)
		go func() { done <- s.WaitBlocking() }()
		ran := make(chan error)
		go func() {
			_, err := executor.BlockOn(ex, async.Go(func(co *async.Co) struct{} {
				async.Await(co, until(func() bool { return fs[0].Waker() != nil && fs[1].Waker() != nil }))
				fs[0].Complete(1)
				fs[1].Complete(2)
				async.Await(co, until(func() bool { return s.Len() == 0 }))
				return struct{}{}
			}))
			ran <- err
		}()
		if err := <-done; err != nil {
			t.Errorf("WaitBlocking = %v; want nil", err)
		}
		if err := <-ran; err != nil {
			t.Errorf("BlockOn: %v", err)
		}
	})
}

func TestSpawnMisuse(t *testing.T) {
	var s Set[int]
	for name, fn := range map[string]func(){
		"nil future": func() { s.Spawn(nil, nil) },
		"no executor": func() {
			s.Spawn(testfut.NewContext(async.NoopWaker()), async.Ready(1))
		},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s: Spawn did not panic", name)
				}
			}()
			fn()
		}()
	}
	checkIdle(t, &s.c)
}

// readyLen returns the number of finished tasks not yet reported.
func (s *Set[T]) readyLen() int {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	n := 0
	for e := s.c.readyHead; e != nil; e = e.next {
		n++
	}
	return n
}

// abortingFuture aborts its set during its own poll and is pending; it
// counts its cancels.
type abortingFuture struct {
	s       *Set[int]
	cancels int
}

func (f *abortingFuture) Poll(*async.Context) (int, bool) {
	f.s.AbortAll()
	return 0, false
}

func (f *abortingFuture) Cancel() { f.cancels++ }

// An abort that comes during a task's first poll, before the task has
// stored its waker, finds no waker to wake: the poll itself sees the flag
// once it stores the waker, and aborts at once.
func TestAbortDuringFirstPoll(t *testing.T) {
	var s Set[int]
	f := &abortingFuture{s: &s}
	e := s.c.add(f, false)
	w := &testfut.Waker{}
	if _, done := e.Poll(testfut.NewContext(w)); !done {
		t.Fatal("a task aborted during its first poll is still running: nothing would wake it")
	}
	if f.cancels != 1 {
		t.Errorf("the future was cancelled %d times; want once", f.cancels)
	}
	if _, err := s.NextBlocking(); !errors.Is(err, async.ErrAborted) {
		t.Errorf("NextBlocking = %v; want ErrAborted", err)
	}
	checkIdle(t, &s.c)
}
