package async

// Selected is the value of Select: the index, in Select's arguments, of
// the future that was ready first, and its value.
type Selected[T any] struct {
	Index int
	Value T
}

// Either is the value of Select2: Index is 0 if the first future won, and
// its value is V1; or 1 if the second won, and its value is V2. The other
// field is the zero value.
type Either[A, B any] struct {
	Index int
	V1    A
	V2    B
}

// Select returns a future that polls every future of fs concurrently and
// is ready with the first value any of them produces, and that future's
// index. Before it returns, it cancels every other future, so the losers
// release their timers, registrations and wakers at once.
//
// Each future is polled with a waker of its own, and a poll of the select
// polls only the futures woken since the last one, in the order they were
// woken. The first poll polls them in the order of fs and stops at the
// first that is ready, so when several are ready at once the earliest in
// fs wins. Cancelling the select cancels them all.
//
// Select takes its futures as JoinAll does, as arguments or as a slice of
// any one future type. Futures of different types that have the same value
// type are selected as the interface:
//
//	async.Select[async.Future[int]](a, b)
//
// Select copies fs. A Select of no futures is never ready, like Go's empty
// select statement.
func Select[F Future[T], T any](fs ...F) Future[Selected[T]] {
	return newSelectAll[F, T](fs)
}

// Race is Select for when only the value matters: the value of the first
// future of fs to be ready. The others are cancelled.
func Race[F Future[T], T any](fs ...F) Future[T] {
	return race[F, T]{newSelectAll[F, T](fs)}
}

func newSelectAll[F Future[T], T any](fs []F) *selectAll[F, T] {
	s := &selectAll[F, T]{fs: slotsOf(fs)}
	s.set.init(make([]branch, len(fs)))
	return s
}

type selectAll[F Future[T], T any] struct {
	set branchSet
	fs  []slot[F]
	out Selected[T]
}

func (s *selectAll[F, T]) Poll(cx *Context) (Selected[T], bool) {
	if !s.set.poll(cx, s) {
		return Selected[T]{}, false
	}
	s.Cancel() // the losers; the winner is done already
	out := s.out
	s.out, s.fs = Selected[T]{}, nil
	return out, true
}

func (s *selectAll[F, T]) pollBranch(i int, cx *Context) bool {
	if pollSlot(&s.fs[i], &s.out.Value, cx) == 0 {
		return false
	}
	s.out.Index = i
	return true
}

func (s *selectAll[F, T]) Cancel() {
	for i := range s.fs {
		cancelSlot[F, T](&s.fs[i])
	}
	s.set.finish()
}

// race is the future of Race: a Select that drops the index.
type race[F Future[T], T any] struct{ s *selectAll[F, T] }

func (r race[F, T]) Poll(cx *Context) (T, bool) {
	v, ok := r.s.Poll(cx)
	return v.Value, ok
}

func (r race[F, T]) Cancel() { r.s.Cancel() }

// Select2 is Select for two futures of different types, such as a message
// and a timer. Its value says which won (see Either); the other is
// cancelled before Select2 returns. The first poll polls a first, so a
// wins if both are ready then; later polls follow the order of the wakes.
func Select2[A, B any](a Future[A], b Future[B]) Future[Either[A, B]] {
	s := &select2[A, B]{a: a, b: b}
	s.set.init(s.branches[:])
	return s
}

type select2[A, B any] struct {
	set      branchSet
	branches [2]branch
	a        Future[A] // nil once ready or cancelled
	b        Future[B]
	out      Either[A, B]
}

func (s *select2[A, B]) Poll(cx *Context) (Either[A, B], bool) {
	if !s.set.poll(cx, s) {
		return Either[A, B]{}, false
	}
	s.Cancel() // the loser; the winner is nil already
	return s.out, true
}

func (s *select2[A, B]) pollBranch(i int, cx *Context) bool {
	switch i {
	case 0:
		if pollInto(&s.a, &s.out.V1, cx) == 0 {
			return false
		}
	default:
		if pollInto(&s.b, &s.out.V2, cx) == 0 {
			return false
		}
	}
	s.out.Index = i
	return true
}

func (s *select2[A, B]) Cancel() {
	cancelOwned(&s.a)
	cancelOwned(&s.b)
	s.set.finish()
}
