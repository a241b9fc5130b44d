package reactor

import (
	"errors"
	"testing"
	"unsafe"
)

func TestNewSourceIsOptimistic(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	a, _ := socketPair(t)
	s := register(t, r, a)

	if got, want := s.Ready(), Readable|Writable; got != want {
		t.Fatalf("readiness of a new source: %v, want %v", got, want)
	}
	w := newCountWaker()
	ev, ok := s.PollReady(Read, w)
	if !ok || ev.Ready != Readable {
		t.Fatalf("PollReady(Read) on a new source: %v, %v; want readable, true", ev.Ready, ok)
	}
	if s.reader != nil {
		t.Fatal("PollReady stored a waker although the source was ready")
	}
	// The first operation hit EAGAIN: its clear removes the assumption for
	// reading and leaves writing alone.
	s.ClearReady(ev)
	if got := s.Ready(); got != Writable {
		t.Fatalf("readiness after clearing the read side: %v, want writable", got)
	}
	if _, ok := s.PollReady(Read, w); ok {
		t.Fatal("PollReady(Read) ready after its readiness was cleared")
	}
	if s.reader != w {
		t.Fatal("PollReady did not store the reader's waker")
	}
	ev, ok = s.PollReady(Write, w)
	if !ok || ev.Ready != Writable {
		t.Fatalf("PollReady(Write): %v, %v; want writable, true", ev.Ready, ok)
	}
	s.ClearReady(ev)
	if got := s.Ready(); got != 0 {
		t.Fatalf("readiness after clearing both sides: %v, want none", got)
	}
}

func TestEventWakesOnlyItsDirection(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	a, _ := socketPair(t)
	s := register(t, r, a)
	unready(t, s)

	reader, writer := newCountWaker(), newCountWaker()
	arm := func() {
		t.Helper()
		if _, ok := s.PollReady(Read, reader); ok {
			t.Fatal("PollReady(Read) ready before an event")
		}
		if _, ok := s.PollReady(Write, writer); ok {
			t.Fatal("PollReady(Write) ready before an event")
		}
	}

	arm()
	deliver(s, Readable)
	if reader.count() != 1 || writer.count() != 0 {
		t.Fatalf("readable event woke reader %d, writer %d times; want 1, 0", reader.count(), writer.count())
	}
	if s.reader != nil || s.writer != writer {
		t.Fatal("readable event: the reader's slot must be emptied and the writer's kept")
	}
	if got := s.Ready(); got != Readable {
		t.Fatalf("readiness after a readable event: %v", got)
	}

	unready(t, s)
	arm()
	deliver(s, Writable)
	if reader.count() != 1 || writer.count() != 1 {
		t.Fatalf("writable event woke reader %d, writer %d times in all; want 1, 1", reader.count(), writer.count())
	}
	if s.reader != reader || s.writer != nil {
		t.Fatal("writable event: the writer's slot must be emptied and the reader's kept")
	}

	// A hang-up ends the reader's wait; an error ends both.
	unready(t, s)
	arm()
	deliver(s, ReadClosed)
	if reader.count() != 2 || writer.count() != 1 {
		t.Fatalf("read-closed event woke reader %d, writer %d times in all; want 2, 1", reader.count(), writer.count())
	}
	deliver(s, Error)
	if reader.count() != 2 || writer.count() != 2 {
		t.Fatalf("error event woke reader %d, writer %d times in all; want 2, 2", reader.count(), writer.count())
	}
}

func TestPollReadyWhenReadyStoresNoWaker(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	a, _ := socketPair(t)
	s := register(t, r, a)
	unready(t, s)
	deliver(s, Readable)

	w := newCountWaker()
	if _, ok := s.PollReady(Read, w); !ok {
		t.Fatal("PollReady(Read) pending after a readable event")
	}
	if s.reader != nil {
		t.Fatal("PollReady stored a waker although the source was ready")
	}
	allocs := testing.AllocsPerRun(100, func() { s.PollReady(Read, w) })
	if allocs != 0 {
		t.Fatalf("PollReady on a ready source allocates %v times", allocs)
	}
}

func TestClearReadyWithStaleTickKeepsReadiness(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	a, _ := socketPair(t)
	s := register(t, r, a)
	unready(t, s)
	deliver(s, Readable)

	ev, ok := s.PollReady(Read, nil)
	if !ok {
		t.Fatal("PollReady(Read) pending after a readable event")
	}
	// An event arrives between the operation's PollReady and its EAGAIN:
	// the data it announces came after the read, so the clear is stale.
	deliver(s, Readable)
	s.ClearReady(ev)
	if s.Ready()&Readable == 0 {
		t.Fatal("a clear with a stale tick wiped a newer event")
	}
	// A clear that names the current tick works.
	ev, _ = s.PollReady(Read, nil)
	s.ClearReady(ev)
	if s.Ready()&Readable != 0 {
		t.Fatal("a clear with the current tick did not clear")
	}
}

// TestClosedBitsAreNeverCleared: end of stream and hang-up last; a
// pending error is cleared like readiness, since the call that reports
// it consumes it in the kernel.
func TestClosedBitsAreNeverCleared(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	a, _ := socketPair(t)
	s := register(t, r, a)
	unready(t, s)
	deliver(s, Readable|Writable|ReadClosed|WriteClosed|Error)

	for _, d := range []Direction{Read, Write} {
		ev, ok := s.PollReady(d, nil)
		if !ok {
			t.Fatalf("PollReady(%d) pending on a closed source", d)
		}
		s.ClearReady(ev)
	}
	if got, want := s.Ready(), ReadClosed|WriteClosed; got != want {
		t.Fatalf("readiness after clearing both sides: %v, want %v", got, want)
	}
	for _, d := range []Direction{Read, Write} {
		if _, ok := s.PollReady(d, nil); !ok {
			t.Fatalf("PollReady(%d) pending although the source is closed", d)
		}
	}
}

func TestTickWrapsWithinItsField(t *testing.T) {
	var s Source
	s.readiness.Store(tickMask | uint64(Writable))
	s.setReadiness(Readable)
	cur := s.readiness.Load()
	if cur&shutdownBit != 0 || cur>>32 != 0 {
		t.Fatalf("tick overflowed its field: word %#x", cur)
	}
	if got := uint16(cur >> tickShift); got != 0 {
		t.Fatalf("tick after wrapping: %d, want 0", got)
	}
	if got := s.Ready(); got != Readable|Writable {
		t.Fatalf("readiness: %v, want readable|writable", got)
	}
}

func TestDeregisterWakesWaiters(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	a, _ := socketPair(t)
	s := register(t, r, a)
	unready(t, s)

	reader, writer := newCountWaker(), newCountWaker()
	s.PollReady(Read, reader)
	s.PollReady(Write, writer)
	if err := s.Deregister(); err != nil {
		t.Fatalf("Deregister: %v", err)
	}
	if reader.count() != 1 || writer.count() != 1 {
		t.Fatalf("Deregister woke reader %d, writer %d times; want 1, 1", reader.count(), writer.count())
	}
	if !s.Closed() {
		t.Fatal("Closed() false after Deregister")
	}
	if s.reader != nil || s.writer != nil {
		t.Fatal("a deregistered source still holds wakers")
	}
	for _, d := range []Direction{Read, Write} {
		if _, ok := s.PollReady(d, reader); !ok {
			t.Fatalf("PollReady(%d) pending on a deregistered source", d)
		}
	}
	if n := r.Sources(); n != 0 {
		t.Fatalf("Sources() after Deregister: %d", n)
	}
	err := s.Deregister()
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("second Deregister: %v, want ErrClosed", err)
	}
}

func TestCancelWaitReleasesWaker(t *testing.T) {
	checkFDs(t)
	r := newReactor(t, nil)
	a, b := socketPair(t)
	s := register(t, r, a)
	unready(t, s)

	w := newCountWaker()
	s.PollReady(Read, w)
	s.CancelWait(Read)
	if s.reader != nil {
		t.Fatal("CancelWait left the reader's waker")
	}
	mustWrite(t, b, []byte("x"))
	turnUntil(t, r, patience, func() bool { return s.Ready()&Readable != 0 })
	if w.count() != 0 {
		t.Fatal("a cancelled wait was woken")
	}
}

func TestReadyString(t *testing.T) {
	for _, c := range []struct {
		r    Ready
		want string
	}{
		{0, "none"},
		{Readable, "readable"},
		{Readable | Writable, "readable|writable"},
		{ReadClosed | WriteClosed | Error, "read-closed|write-closed|error"},
	} {
		if got := c.r.String(); got != c.want {
			t.Errorf("Ready(%#x).String() = %q, want %q", uint8(c.r), got, c.want)
		}
	}
}

// TestSourceSize keeps a registration to 64 bytes: a server holds one per
// connection (see examples/echo's memory budget).
func TestSourceSize(t *testing.T) {
	if n := unsafe.Sizeof(Source{}); n > 64 {
		t.Errorf("Source is %d bytes; want at most 64", n)
	}
}
