package async

// mapFuture is the future of Map.
type mapFuture[A, B any] struct {
	f  Future[A] // nil once ready or cancelled
	fn func(A) B
}

// Map returns a future of fn applied to f's value. It polls f with the
// caller's Context, so it adds no waker and no allocation per poll;
// cancelling it cancels f.
func Map[A, B any](f Future[A], fn func(A) B) Future[B] {
	return &mapFuture[A, B]{f: f, fn: fn}
}

func (m *mapFuture[A, B]) Poll(cx *Context) (B, bool) {
	v, ok := m.f.Poll(cx)
	if !ok {
		var zero B
		return zero, false
	}
	// Forget f before calling fn: if fn panics, the task cancels us, and
	// f, being ready, must not be cancelled.
	fn := m.fn
	m.f, m.fn = nil, nil
	return fn(v), true
}

func (m *mapFuture[A, B]) Cancel() {
	if f := m.f; f != nil {
		m.f, m.fn = nil, nil
		f.Cancel()
	}
}

// thenFuture is the future of Then. It is in one of two states: polling
// first (first != nil) or polling next (first == nil, next != nil).
type thenFuture[A, B any] struct {
	first Future[A]
	fn    func(A) Future[B]
	next  Future[B]
}

// Then chains two futures: when f is ready, fn turns its value into the
// next future, which is polled at once in the same poll and then until it
// is ready; its value is Then's. Cancelling Then cancels whichever of the
// two is current. fn must not return nil.
func Then[A, B any](f Future[A], fn func(A) Future[B]) Future[B] {
	return &thenFuture[A, B]{first: f, fn: fn}
}

func (t *thenFuture[A, B]) Poll(cx *Context) (B, bool) {
	if t.first != nil {
		v, ok := t.first.Poll(cx)
		if !ok {
			var zero B
			return zero, false
		}
		fn := t.fn
		t.first, t.fn = nil, nil
		t.next = fn(v)
		if t.next == nil {
			panic("async: the function given to Then returned a nil future")
		}
	}
	v, ok := t.next.Poll(cx)
	if ok {
		t.next = nil
	}
	return v, ok
}

func (t *thenFuture[A, B]) Cancel() {
	switch {
	case t.first != nil:
		f := t.first
		t.first, t.fn = nil, nil
		f.Cancel()
	case t.next != nil:
		f := t.next
		t.next = nil
		f.Cancel()
	}
}
