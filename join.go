package async

// Tuple2 is the value of Join2: V1 is the first future's value, V2 the
// second's.
type Tuple2[A, B any] struct {
	V1 A
	V2 B
}

// Tuple3 is the value of Join3: V1, V2 and V3 are the values of the first,
// second and third futures.
type Tuple3[A, B, C any] struct {
	V1 A
	V2 B
	V3 C
}

// Join2 returns a future that polls a and b concurrently and is ready with
// both values once both are ready. Each is polled with a waker of its own,
// so a wake re-polls only the future that was woken. Cancelling the join
// cancels whichever of the two is not yet ready.
func Join2[A, B any](a Future[A], b Future[B]) Future[Tuple2[A, B]] {
	j := &join2[A, B]{a: a, b: b, left: 2}
	j.set.init(j.branches[:])
	return j
}

type join2[A, B any] struct {
	set      branchSet
	branches [2]branch
	a        Future[A] // nil once ready or cancelled
	b        Future[B]
	out      Tuple2[A, B]
	left     int // futures not yet ready
}

func (j *join2[A, B]) Poll(cx *Context) (Tuple2[A, B], bool) {
	if !j.set.poll(cx, j) {
		return Tuple2[A, B]{}, false
	}
	j.set.finish()
	return j.out, true
}

func (j *join2[A, B]) pollBranch(i int, cx *Context) bool {
	switch i {
	case 0:
		j.left -= pollInto(&j.a, &j.out.V1, cx)
	case 1:
		j.left -= pollInto(&j.b, &j.out.V2, cx)
	}
	return j.left == 0
}

func (j *join2[A, B]) Cancel() {
	cancelOwned(&j.a)
	cancelOwned(&j.b)
	j.set.finish()
}

// Join3 is Join2 for three futures.
func Join3[A, B, C any](a Future[A], b Future[B], c Future[C]) Future[Tuple3[A, B, C]] {
	j := &join3[A, B, C]{a: a, b: b, c: c, left: 3}
	j.set.init(j.branches[:])
	return j
}

type join3[A, B, C any] struct {
	set      branchSet
	branches [3]branch
	a        Future[A] // nil once ready or cancelled
	b        Future[B]
	c        Future[C]
	out      Tuple3[A, B, C]
	left     int // futures not yet ready
}

func (j *join3[A, B, C]) Poll(cx *Context) (Tuple3[A, B, C], bool) {
	if !j.set.poll(cx, j) {
		return Tuple3[A, B, C]{}, false
	}
	j.set.finish()
	return j.out, true
}

func (j *join3[A, B, C]) pollBranch(i int, cx *Context) bool {
	switch i {
	case 0:
		j.left -= pollInto(&j.a, &j.out.V1, cx)
	case 1:
		j.left -= pollInto(&j.b, &j.out.V2, cx)
	case 2:
		j.left -= pollInto(&j.c, &j.out.V3, cx)
	}
	return j.left == 0
}

func (j *join3[A, B, C]) Cancel() {
	cancelOwned(&j.a)
	cancelOwned(&j.b)
	cancelOwned(&j.c)
	j.set.finish()
}

// JoinAll returns a future that polls every future of fs concurrently and
// is ready with all their values, in the order of fs, once all are ready.
// Each future is polled with a waker of its own, and a poll of the join
// polls only the futures woken since the last one: after the first poll,
// which polls them all, its cost is proportional to the wakes, not to
// len(fs). Cancelling the join cancels every future not yet ready.
//
// JoinAll takes its futures as Select and Race do: as arguments, or as a
// slice of any future type, so that the handles of spawned tasks need no
// conversion:
//
//	hs := make([]async.JoinHandle[int], n)
//	...
//	results := async.Await(co, async.JoinAll(hs...))
//
// Futures of different types that have the same value type are joined as
// the interface: async.JoinAll[async.Future[int]](a, b).
//
// JoinAll copies fs; the caller may reuse the slice. A JoinAll of no
// futures is ready at once with an empty slice.
func JoinAll[F Future[T], T any](fs ...F) Future[[]T] {
	j := &joinAll[F, T]{
		fs:   slotsOf(fs),
		out:  make([]T, len(fs)),
		left: len(fs),
	}
	j.set.init(make([]branch, len(fs)))
	return j
}

type joinAll[F Future[T], T any] struct {
	set  branchSet
	fs   []slot[F]
	out  []T
	left int // futures not yet ready
}

func (j *joinAll[F, T]) Poll(cx *Context) ([]T, bool) {
	if j.left > 0 && !j.set.poll(cx, j) {
		return nil, false
	}
	j.set.finish()
	out := j.out
	j.out, j.fs = nil, nil
	return out, true
}

func (j *joinAll[F, T]) pollBranch(i int, cx *Context) bool {
	j.left -= pollSlot(&j.fs[i], &j.out[i], cx)
	return j.left == 0
}

func (j *joinAll[F, T]) Cancel() {
	for i := range j.fs {
		cancelSlot[F, T](&j.fs[i])
	}
	j.set.finish()
}

// slot is a future that JoinAll or Select owns, of any future type (a
// JoinHandle is a struct), so a nil cannot mark it as done: a flag does.
type slot[F any] struct {
	f    F
	done bool // ready or cancelled: f is the zero value, never used again
}

// slotsOf copies fs into slots.
func slotsOf[F any](fs []F) []slot[F] {
	s := make([]slot[F], len(fs))
	for i, f := range fs {
		s[i].f = f
	}
	return s
}

// drop forgets the slot's future, which is ready or cancelled.
func (s *slot[F]) drop() {
	var zero F
	s.f, s.done = zero, true
}

// pollSlot is pollInto for a slot.
func pollSlot[F Future[T], T any](s *slot[F], out *T, cx *Context) int {
	if s.done {
		return 0
	}
	v, ok := s.f.Poll(cx)
	if !ok {
		return 0
	}
	*out = v
	s.drop()
	return 1
}

// cancelSlot is cancelOwned for a slot.
func cancelSlot[F Future[T], T any](s *slot[F]) {
	if !s.done {
		f := s.f
		s.drop()
		f.Cancel()
	}
}

// pollInto polls *f unless it is nil (already ready or cancelled). When
// it is ready it stores the value in *out, forgets the future and returns
// 1, the number of futures that became ready; otherwise 0.
func pollInto[T any](f *Future[T], out *T, cx *Context) int {
	if *f == nil {
		return 0
	}
	v, ok := (*f).Poll(cx)
	if !ok {
		return 0
	}
	*out, *f = v, nil
	return 1
}

// cancelOwned cancels *f unless it is nil, forgetting it first: if its
// Cancel panics, the task cancels us in turn and must not cancel f twice.
func cancelOwned[T any](f *Future[T]) {
	if g := *f; g != nil {
		*f = nil
		g.Cancel()
	}
}
