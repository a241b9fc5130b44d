package mpsc

// ring is the buffer of a channel: a FIFO in a slice used circularly. A
// bounded channel's ring is allocated once, at its capacity; an unbounded
// channel's ring doubles when it is full. Guarded by the channel's mutex.
type ring[T any] struct {
	buf  []T
	head int // index of the oldest value
	n    int // number of values
}

// minGrow is the size an unbounded ring starts at on its first push.
const minGrow = 16

func newRing[T any](capacity int) ring[T] { return ring[T]{buf: make([]T, capacity)} }

// push appends v; the ring must have room unless it may grow.
func (r *ring[T]) push(v T) {
	if r.n == len(r.buf) {
		r.grow()
	}
	i := r.head + r.n
	if i >= len(r.buf) {
		i -= len(r.buf)
	}
	r.buf[i] = v
	r.n++
}

// pop removes and returns the oldest value; the ring must not be empty.
// The slot is cleared so the ring does not keep the value alive.
func (r *ring[T]) pop() T {
	var zero T
	v := r.buf[r.head]
	r.buf[r.head] = zero
	r.head++
	if r.head == len(r.buf) {
		r.head = 0
	}
	r.n--
	return v
}

// grow doubles the ring, keeping the values in order from index 0.
func (r *ring[T]) grow() {
	buf := make([]T, max(2*len(r.buf), minGrow))
	k := copy(buf, r.buf[r.head:])
	copy(buf[k:], r.buf[:r.head])
	r.buf, r.head = buf, 0
}
