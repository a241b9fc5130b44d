package bridge

import (
	"io"

	"github.com/asyncgo/async/aio"
)

// readCloser is the io.ReadCloser of Reader.
type readCloser struct{ h *half }

// Reader returns an io.ReadCloser whose Read polls r's Read futures with
// ex's reactor, like a NetConn's Read, for code that only reads. Its Close
// unblocks a Read in flight (it fails with an error wrapping
// net.ErrClosed) and fails later ones; it does not close r.
func Reader(rt Runtime, r aio.Reader) io.ReadCloser {
	return readCloser{newHalf(rt, r.Read, false, opInfo{op: "read"})}
}

func (rc readCloser) Read(b []byte) (int, error) { return rc.h.do(b) }

func (rc readCloser) Close() error {
	if !rc.h.close() {
		return rc.h.info.err("close", errClosed)
	}
	return nil
}

// writeCloser is the io.WriteCloser of Writer.
type writeCloser struct{ h *half }

// Writer returns an io.WriteCloser whose Write polls w's Write futures
// with rt's reactor until all of its buffer is written, like a NetConn's
// Write, for code that only writes. Its Close unblocks a Write in flight
// and fails later ones; it does not close w.
func Writer(rt Runtime, w aio.Writer) io.WriteCloser {
	return writeCloser{newHalf(rt, w.Write, true, opInfo{op: "write"})}
}

func (wc writeCloser) Write(b []byte) (int, error) { return wc.h.do(b) }

func (wc writeCloser) Close() error {
	if !wc.h.close() {
		return wc.h.info.err("close", errClosed)
	}
	return nil
}
