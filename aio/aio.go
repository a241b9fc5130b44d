package aio

import (
	"errors"
	"fmt"
	"io"

	"github.com/asyncgo/async"
)

// Reader is an asynchronous source of bytes. Read returns a future that
// is ready with n > 0 bytes read into buf, or with 0 and io.EOF at end of
// stream, or with an error. The future is typically the Reader's own,
// reused by every call: await or cancel it before calling Read again.
type Reader interface {
	Read(buf []byte) async.Future[async.Result[int]]
}

// Writer is an asynchronous sink of bytes. Write returns a future that
// writes at least one byte of buf (waiting until the sink can take one)
// and is ready with how many it wrote, or with an error. The future is
// typically the Writer's own, reused by every call: await or cancel it
// before calling Write again.
type Writer interface {
	Write(buf []byte) async.Future[async.Result[int]]
}

// ReadWriter is a Reader and a Writer, such as a connection. Its Read and
// Write may each have one future in flight at once.
type ReadWriter interface {
	Reader
	Writer
}

// CloseWriter is implemented by streams that can shut down their sending
// side while reading goes on (half-close), such as *tcp.Conn: the peer
// reads end of stream once it has read what was sent. CopyBidirectional
// uses it to pass one side's end of stream on to the other.
type CloseWriter interface {
	CloseWrite() error
}

// The types of this package that are streams.
var (
	_ Reader      = (*PipeReader)(nil)
	_ Writer      = (*PipeWriter)(nil)
	_ CloseWriter = (*PipeWriter)(nil)
	_ Reader      = (*BufReader)(nil)
	_ Writer      = (*BufWriter)(nil)
)

// ErrTooLong is wrapped by the errors that report a line or a frame longer
// than the limit of its reader: test with errors.Is(err, aio.ErrTooLong).
var ErrTooLong = errors.New("aio: too long")

// TooLongError reports a line or a frame longer than the limit its reader
// allows. It wraps ErrTooLong.
type TooLongError struct {
	What string // "line" or "frame"
	Len  int64  // the length a frame header announced; -1 for a line, whose length is not known
	Max  int    // the limit
}

// Error says what was too long, and the limit.
func (e *TooLongError) Error() string {
	if e.Len >= 0 {
		return fmt.Sprintf("aio: %s of %d bytes is longer than the maximum of %d", e.What, e.Len, e.Max)
	}
	return fmt.Sprintf("aio: %s longer than the maximum of %d bytes", e.What, e.Max)
}

// Unwrap returns ErrTooLong.
func (e *TooLongError) Unwrap() error { return ErrTooLong }

// errNoProgress is the error of a Reader whose Read is ready with no bytes
// and no error, which the Reader contract forbids: retrying could loop
// forever inside one poll.
var errNoProgress = fmt.Errorf("aio: Read returned no bytes and no error: %w", io.ErrNoProgress)

// errShortWrite is the error of a Writer whose Write is ready with no bytes
// and no error, which the Writer contract forbids.
var errShortWrite = fmt.Errorf("aio: Write wrote no bytes and returned no error: %w", io.ErrShortWrite)

// giveWay is what a future returns when the task's cooperative budget is
// spent: it wakes the task, so that the executor polls it again after the
// others, and is pending.
//
// Every future here takes a unit of the budget (cx.Proceed, or rbuf.serve)
// before an operation that completes without waiting: a line served from
// a buffer, bytes copied into one, an error already known. When there is
// none left it returns giveWay without doing the operation, so nothing is
// consumed and the next poll finds everything as it was. A future that
// reads or writes its stream in the same poll takes none: the stream's
// operation took the unit (a socket's and a pipe's do), and one operation
// is not charged twice.
func giveWay[T any](cx *async.Context) (T, bool) {
	cx.Waker().Wake()
	var zero T
	return zero, false
}

// checkCount panics if a Read or Write reported a count outside
// [0, size]: the Reader or Writer broke its contract, and going on would
// corrupt the buffer offsets.
func checkCount(op string, n, size int) {
	if n < 0 || n > size {
		panic(fmt.Sprintf("aio: %s returned %d bytes for a buffer of %d", op, n, size))
	}
}
