package aio

import "github.com/asyncgo/async"

// rbuf is the read buffer that BufReader, LineReader and FrameReader are
// made of: buf[r:w] holds bytes read from src and not yet consumed. It
// reads only into the free space of buf, so it never holds more than
// len(buf) bytes; the readers decide what to do when that is not enough.
// Only the polling task touches it.
type rbuf struct {
	src  Reader
	buf  []byte
	r, w int
	err  error                           // what src failed with (io.EOF at end); sticky
	rd   async.Future[async.Result[int]] // the Read of src in flight, or nil
	read bool                            // fill completed a read of src in the poll under way; see serve
}

func (b *rbuf) init(src Reader, size int) {
	*b = rbuf{src: src, buf: make([]byte, size)}
}

// buffered returns the unconsumed bytes.
func (b *rbuf) buffered() []byte { return b.buf[b.r:b.w] }

// full reports whether the buffer holds len(buf) unconsumed bytes, so that
// fill has nowhere to read to.
func (b *rbuf) full() bool { return b.w-b.r == len(b.buf) }

// fill reads once from src into the free space, first sliding the
// unconsumed bytes to the front, and reports whether the read is done
// (bytes added, or err set); false means pending. It must not be called
// when the buffer is full or err is set. Slices the readers handed out
// before are invalid afterwards: their contract says until the next call.
func (b *rbuf) fill(cx *async.Context) bool {
	if b.rd == nil {
		if b.err != nil || b.full() {
			panic("aio: fill of a failed or full buffer")
		}
		if b.r > 0 {
			b.w = copy(b.buf, b.buf[b.r:b.w])
			b.r = 0
		}
		b.rd = b.src.Read(b.buf[b.w:])
	}
	res, ok := b.rd.Poll(cx)
	if !ok {
		return false
	}
	b.rd = nil
	b.read = true
	checkCount("Read", res.Value, len(b.buf)-b.w)
	b.w += res.Value
	switch {
	case res.Err != nil:
		b.err = res.Err
	case res.Value == 0:
		b.err = errNoProgress
	}
	return true
}

// startPoll begins a poll of a reader's future: no read of src yet.
func (b *rbuf) startPoll() { b.read = false }

// serve reports whether a result may be served from the buffer now,
// taking a unit of the task's budget for it, unless this poll read src,
// whose read took one. On false, return giveWay and consume nothing.
// Without it, a task that parses a buffer full of lines would keep its
// executor until the buffer is empty. It inlines, as the hot path of
// every line and frame.
func (b *rbuf) serve(cx *async.Context) bool { return b.read || cx.Proceed() }

// grow makes the buffer at least size bytes long, keeping the unconsumed
// bytes. It must not be called while a read is in flight, which reads into
// the old buffer.
func (b *rbuf) grow(size int) {
	if size <= len(b.buf) {
		return
	}
	if b.rd != nil {
		panic("aio: grow of a buffer that is being read into")
	}
	nb := make([]byte, size)
	b.w = copy(nb, b.buf[b.r:b.w])
	b.r = 0
	b.buf = nb
}

// cancel cancels the read in flight. The bytes already buffered stay.
func (b *rbuf) cancel() {
	if b.rd != nil {
		b.rd.Cancel()
		b.rd = nil
	}
}
