package aio

import "github.com/asyncgo/async"

// The futures of this package name the operation in flight when a timer's
// timeout ends them (timer.TimeoutErrorer): a ReadFull of a tcp.Conn that
// times out fails with "read tcp 127.0.0.1:5000->127.0.0.1:7404: i/o
// timeout", as the Read it was waiting for would, rather than with the
// timer's bare error. They ask the future they wait on, which names itself
// if it can; this package does not import timer, since an interface is
// matched by its method alone.

// timeoutNamer is timer.TimeoutErrorer.
type timeoutNamer interface {
	TimeoutError(err error) error
}

// nameTimeout returns err named by the first of fs in flight that can
// name it, or err.
func nameTimeout(err error, fs ...async.Future[async.Result[int]]) error {
	for _, f := range fs {
		if n, ok := f.(timeoutNamer); ok {
			return n.TimeoutError(err)
		}
	}
	return err
}

// TimeoutError names a timeout after the Read in flight (see
// timer.TimeoutErrorer).
func (f *ReadFullFuture) TimeoutError(err error) error { return nameTimeout(err, f.rd) }

// TimeoutError names a timeout after the Write in flight (see
// timer.TimeoutErrorer).
func (f *WriteAllFuture) TimeoutError(err error) error { return nameTimeout(err, f.wr) }

// TimeoutError names a timeout after the Read or Write in flight.
func (c *copier) TimeoutError(err error) error { return nameTimeout(err, c.rd, c.wr) }

// TimeoutError names a timeout after the Read of the source in flight.
func (f *lineNext) TimeoutError(err error) error { return nameTimeout(err, f.lr.b.rd) }

// TimeoutError names a timeout after the Read of the source in flight.
func (f *bufRead) TimeoutError(err error) error { return nameTimeout(err, f.direct, f.br.b.rd) }

// TimeoutError names a timeout after the Read of the source in flight.
func (f *bufSlice) TimeoutError(err error) error { return nameTimeout(err, f.br.b.rd) }

// TimeoutError names a timeout after the Read of the source in flight.
func (f *bufLine) TimeoutError(err error) error { return nameTimeout(err, f.br.b.rd) }
