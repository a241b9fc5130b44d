// Package aio has the asynchronous I/O helpers of the runtime, shaped like
// Go's io and bufio: the Reader and Writer interfaces, ReadFull, WriteAll,
// Copy and CopyBidirectional, a buffered BufReader and BufWriter, line
// and length-prefixed framing, and an in-memory Pipe.
//
//	n, err := async.Get(co, aio.Copy(dst, src, nil))
//	line, err := async.Get(co, br.ReadLine())
//	payload, err := async.Get(co, frames.Next())
//
// # The contract of Reader and Writer
//
// A Reader's Read(buf) returns a future that is ready with n > 0 bytes, or
// with 0 and io.EOF at end of stream, or with an error. A Writer's
// Write(buf) returns a future that writes at least one byte of buf and is
// ready with how many, or with an error. *tcp.Conn is both; so are the
// ends of a Pipe, a BufReader (Reader) and a BufWriter (Writer).
//
// The future returned is typically the source's own, kept inside it and
// reused by every call, so that reading and writing allocate nothing: it
// is valid until it is ready or cancelled, and must be awaited or
// cancelled before the next call of the same kind. A stream may have one
// Read and one Write in flight at once (from two tasks, for a tcp.Conn),
// not two of either. The helpers here keep to that: each holds at most
// one Read and one Write of a stream in flight, and each of their own
// futures lives in its struct and is reused in the same way.
//
// A stream that can shut down its sending side alone implements
// CloseWriter; CopyBidirectional uses it to pass an end of stream on.
//
// # Memory bounds and backpressure
//
// Nothing here grows without bound. A BufReader holds at most its size and
// the two bytes of an end of line; a line longer than its size is returned
// in pieces with an error wrapping ErrTooLong. A LineReader holds at most
// its longest line and "\r\n"; a longer line is an error, and the line is
// skipped. A FrameReader holds at most its largest frame and header, and
// grows its buffer only as a frame's bytes arrive, never on the word of a
// header; a frame larger than its limit is an error that ends the stream.
// A BufWriter holds at most its size: when it is full, Write waits until
// the destination took the buffer, so a slow peer slows the writer down.
// Copy holds one buffer and does not read again before it has written
// what it read; a Pipe holds at most its size.
//
// # Giving way
//
// A task that finds its data already buffered never waits, so these
// futures take a unit of the task's cooperative budget (see
// async.Context.Proceed) for each operation that completes without
// waiting: a line, a frame or bytes served from a buffer, bytes copied
// into a BufWriter, an end of stream or an error already known. When the
// budget is spent the future wakes the task and is pending, having
// consumed nothing; the next poll serves the same bytes. So a task that
// parses a buffer full of lines gives way at least every async.Budget
// lines, even if nothing else it does waits. An operation that reads or
// writes its stream in the same poll is charged once, by the stream (a
// tcp.Conn and a Pipe take their unit); Copy takes one per chunk.
//
// # Cancellation
//
// Every future here is a hand-written state machine. Cancelling one
// cancels the Read or Write it has in flight, which takes its waker back
// from the reactor (or the pipe), so nothing keeps a reference to the
// task. Buffered data survives: a cancelled ReadLine or Flush can be
// called again. Bytes already handed to a stream stay written, so a
// cancelled WriteFrame may leave a partial frame behind.
package aio
