package aio

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/asyncgo/async"
)

// FrameHeaderSize is the size of a frame's header: the length of its
// payload as a 4-byte big-endian unsigned integer.
const FrameHeaderSize = 4

// initialFrameBuffer is the buffer a FrameReader starts with, unless its
// largest frame is smaller: enough for many small frames per read. It
// doubles, as the bytes of a larger frame fill it, up to the largest
// frame seen.
const initialFrameBuffer = 4 << 10

// FrameReader splits a stream into length-prefixed frames: a 4-byte
// big-endian payload length, then the payload. It reads through a buffer
// that starts small and grows to the largest frame seen, never beyond
// the largest frame allowed (plus its header), so it holds at most that.
//
// A header's length is not trusted, even under the limit: the buffer
// grows only when the bytes of a frame have filled it, by doubling, so a
// peer that announces a huge frame and sends little of it makes the
// FrameReader allocate in proportion to what it sent (beyond its first
// buffer, less than 4 times that over all the steps), not to what it
// announced.
//
// Next returns a future that lives in the FrameReader and is reused: await
// it (or cancel it) before calling Next again. A FrameReader belongs to
// one task at a time.
type FrameReader struct {
	b    rbuf
	max  int
	err  error // a frame was too long; sticky
	next frameNext
}

// NewFrameReader returns a FrameReader over r for payloads of at most
// maxLen bytes (a header cannot announce more than 2³²−1).
func NewFrameReader(r Reader, maxLen int) *FrameReader {
	return newFrameReader(r, maxLen, initialFrameBuffer)
}

// newFrameReader is NewFrameReader with a first buffer of initial bytes
// (at least a header's), so that tests reach the growth of the buffer
// without megabytes of input.
func newFrameReader(r Reader, maxLen, initial int) *FrameReader {
	fr := &FrameReader{max: frameLimit(maxLen)}
	fr.b.init(r, min(fr.max+FrameHeaderSize, max(initial, FrameHeaderSize)))
	fr.next.fr = fr
	return fr
}

// frameLimit clamps a FrameReader's maxLen to what a header can announce
// and what an int can hold with the header added.
func frameLimit(maxLen int) int {
	var most uint64 = math.MaxUint32 // a variable: int(constant) would not compile for 32-bit ints
	if uint64(max(maxLen, 0)) > most {
		maxLen = int(most)
	}
	return min(max(maxLen, 0), math.MaxInt-FrameHeaderSize)
}

// Next returns a future that is ready with the next frame's payload, as a
// slice of the buffer valid until the next call. At end of stream between
// two frames it is ready with io.EOF; an end in the middle of a frame is
// an error wrapping io.ErrUnexpectedEOF. A failure of the source is
// returned after the frames read before it.
//
// A header announcing more than maxLen bytes is a *TooLongError (wrapping
// ErrTooLong) that names the length and the maximum. The stream is then
// unusable: the payload is not read, so where the next frame starts is
// unknown (and the length is likely garbage, or hostile); every later
// call returns the same error. Close the stream.
func (fr *FrameReader) Next() async.Future[async.Result[[]byte]] { return &fr.next }

// Max returns the largest payload the FrameReader accepts.
func (fr *FrameReader) Max() int { return fr.max }

// Buffered returns how many bytes were read from the source and not yet
// returned in frames.
func (fr *FrameReader) Buffered() int { return fr.b.w - fr.b.r }

// frameNext is the future of FrameReader.Next.
type frameNext struct{ fr *FrameReader }

// Poll returns the frame at the front of the buffer once it is all there,
// filling the buffer until then and growing it each time the frame's
// bytes have filled it.
func (f *frameNext) Poll(cx *async.Context) (async.Result[[]byte], bool) {
	fr := f.fr
	b := &fr.b
	b.startPoll()
	for fr.err == nil {
		data := b.buffered()
		need := FrameHeaderSize
		if len(data) >= FrameHeaderSize {
			n := binary.BigEndian.Uint32(data)
			if uint64(n) > uint64(fr.max) {
				fr.err = &TooLongError{What: "frame", Len: int64(n), Max: fr.max}
				break
			}
			need += int(n)
			if len(data) >= need {
				if !b.serve(cx) {
					return giveWay[async.Result[[]byte]](cx)
				}
				b.r += need
				return async.Ok(data[FrameHeaderSize:need]), true
			}
		}
		if b.err != nil {
			if !b.serve(cx) {
				return giveWay[async.Result[[]byte]](cx)
			}
			return async.Result[[]byte]{Err: fr.endError(len(data), need)}, true
		}
		if b.full() {
			// The frame's bytes fill the buffer (a header always fits),
			// so they, not the header's word, pay for the next step. A
			// fill is never in flight here: none starts on a full
			// buffer.
			b.grow(fr.bufferFor(need))
		}
		if !b.fill(cx) {
			return async.Result[[]byte]{}, false
		}
	}
	if !b.serve(cx) {
		return giveWay[async.Result[[]byte]](cx)
	}
	return async.Result[[]byte]{Err: fr.err}, true
}

// bufferFor returns the size to grow the full buffer to, for a frame of
// need bytes with its header: double, so that a large frame costs a
// logarithmic number of copies and the buffer never exceeds twice the
// bytes that arrived, or need if that is less (need is within the limit,
// so the buffer is too).
func (fr *FrameReader) bufferFor(need int) int {
	size := len(fr.b.buf)
	if need-size <= size { // written so, 2*size cannot overflow
		return need
	}
	return 2 * size
}

// endError is the error of a stream that ended, or failed, with have
// bytes of a frame of need bytes (or of its header) buffered.
func (fr *FrameReader) endError(have, need int) error {
	err := fr.b.err
	switch {
	case err != io.EOF:
		return err
	case have == 0:
		return io.EOF
	case have < FrameHeaderSize:
		return fmt.Errorf("aio: stream ended after %d bytes of a %d-byte frame header: %w", have, FrameHeaderSize, io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("aio: stream ended after %d bytes of a frame of %d (header included): %w", have, need, io.ErrUnexpectedEOF)
}

// Cancel cancels the read of the source in flight; what was buffered
// stays.
func (f *frameNext) Cancel() { f.fr.b.cancel() }

// coalesceLimit is the most a FrameWriter copies to send a header and its
// payload in one write. Up to it, a copy costs less than the extra system
// call (and the extra small packet) of writing the header alone; a longer
// payload's first part goes with the header and the rest is written from
// the caller's slice.
const coalesceLimit = 64 << 10

// FrameWriter writes length-prefixed frames: a 4-byte big-endian payload
// length, then the payload, as FrameReader reads them.
//
// WriteFrame returns a future that lives in the FrameWriter and is reused:
// await it (or cancel it) before calling WriteFrame again. A FrameWriter
// belongs to one task at a time.
type FrameWriter struct {
	dst Writer
	buf []byte // header and the payload's first part; grows to coalesceLimit
	wr  frameWrite
}

// NewFrameWriter returns a FrameWriter over w.
func NewFrameWriter(w Writer) *FrameWriter {
	fw := &FrameWriter{dst: w}
	fw.wr.fw = fw
	return fw
}

// WriteFrame returns a future that writes p as one frame and is ready with
// nil once all of it was written, or with the error that stopped it. The
// header and up to 64 KiB of payload are copied into one buffer and sent
// in one write; the rest of a longer payload is written straight from p.
// The buffer is allocated as frames need it, up to 64 KiB, then reused.
//
// A payload longer than 2³²−1 bytes cannot be framed: the future is ready
// with an error wrapping ErrTooLong. Cancelling a WriteFrame that has begun
// to write leaves part of a frame in the stream, after which the reader
// cannot find the next frame: close the stream.
func (fw *FrameWriter) WriteFrame(p []byte) async.Future[error] {
	f := &fw.wr
	f.err, f.rest = nil, nil
	if uint64(len(p)) > math.MaxUint32 {
		f.err = fmt.Errorf("aio: frame of %d bytes is longer than a 4-byte header can announce (%d): %w",
			len(p), uint64(math.MaxUint32), ErrTooLong)
		return f
	}
	head := min(len(p), coalesceLimit-FrameHeaderSize)
	fw.ensure(FrameHeaderSize + head)
	buf := fw.buf[:FrameHeaderSize+head]
	binary.BigEndian.PutUint32(buf, uint32(len(p)))
	copy(buf[FrameHeaderSize:], p)
	f.rest = p[head:]
	f.all.Reset(fw.dst, buf)
	return f
}

// ensure makes the buffer at least size bytes long, doubling it so that
// growing frames do not allocate each time.
func (fw *FrameWriter) ensure(size int) {
	if size <= len(fw.buf) {
		return
	}
	fw.buf = make([]byte, max(size, min(2*len(fw.buf), coalesceLimit)))
}

// frameWrite is the future of FrameWriter.WriteFrame.
type frameWrite struct {
	fw   *FrameWriter
	all  WriteAllFuture // the write of the buffer, then of rest
	rest []byte         // the payload not copied into the buffer, still to write
	err  error          // the frame cannot be written
}

// Poll writes the header and the payload's first part, then the rest. A
// frame that cannot be written fails without a write, for a unit of the
// budget (see giveWay).
func (f *frameWrite) Poll(cx *async.Context) (error, bool) {
	if f.err != nil && !cx.Proceed() {
		return giveWay[error](cx)
	}
	for f.err == nil {
		res, ok := f.all.Poll(cx)
		if !ok {
			return nil, false
		}
		if res.Err != nil || len(f.rest) == 0 {
			f.rest = nil
			return res.Err, true
		}
		f.all.Reset(f.fw.dst, f.rest)
		f.rest = nil
	}
	return f.err, true
}

// Cancel cancels the write in flight.
func (f *frameWrite) Cancel() {
	f.all.Cancel()
	f.rest = nil
}
