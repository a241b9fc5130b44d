// Package aio is a stub of the real package for the analyzer's tests.
package aio

import "github.com/asyncgo/async"

// WriteAllFuture writes all of a buffer; its zero value is idle.
type WriteAllFuture struct{ buf []byte }

// Reset arms f to write buf and returns f.
func (f *WriteAllFuture) Reset(buf []byte) async.Future[async.Result[int]] {
	f.buf = buf
	return f
}

// Poll is ready with the length of the buffer.
func (f *WriteAllFuture) Poll(cx *async.Context) (async.Result[int], bool) {
	return async.Result[int]{Value: len(f.buf)}, true
}

// Cancel does nothing.
func (f *WriteAllFuture) Cancel() {}
