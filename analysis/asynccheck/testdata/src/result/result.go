package result

import (
	"github.com/asyncgo/async"
	"github.com/asyncgo/async/tcp"

	"other"
)

// The Value is read and the error never is.
func unchecked(co *async.Co, c *tcp.Conn, buf []byte) int {
	r := async.Await(co, c.Read(buf)) // want `r.Err is never checked: use v, err := r.Get\(\) or check r.Err`
	return r.Value
}

func uncheckedVar(co *async.Co, c *tcp.Conn, buf []byte) int {
	var n async.Result[int] // want `n.Err is never checked`
	n = async.Await(co, c.Read(buf))
	return n.Value
}

func uncheckedRange(co *async.Co, fs []async.Future[async.Result[int]]) int {
	sum := 0
	for _, r := range async.Await(co, async.JoinAll(fs...)) { // want `r.Err is never checked`
		sum += r.Value
	}
	return sum
}

func uncheckedInClosure(co *async.Co, c *tcp.Conn) func() int {
	r := async.Await(co, tcp.Connect("a")) // want `r.Err is never checked`
	return func() int {
		r.Value.Close()
		return 0
	}
}

// Good: the error is looked at, or the Result goes somewhere that may.
func checked(co *async.Co, c *tcp.Conn, buf []byte) (int, error) {
	r := async.Await(co, c.Read(buf))
	if r.Err != nil {
		return 0, r.Err
	}
	n, err := async.Await(co, c.Read(buf)).Get()
	if err != nil {
		return n, err
	}
	g := async.Await(co, c.Read(buf))
	m, err := g.Get()
	return r.Value + n + m, err
}

func escapes(co *async.Co, c *tcp.Conn, buf []byte, sink func(async.Result[int])) async.Result[int] {
	a := async.Await(co, c.Read(buf))
	sink(a)
	b := async.Await(co, c.Read(buf))
	kept := struct{ r async.Result[int] }{b}
	_ = kept
	d := async.Await(co, c.Read(buf))
	p := &d
	_ = p
	e := async.Await(co, c.Read(buf))
	_ = a.Value + b.Value + d.Value + e.Value
	return e
}

// Good: only Err is used, or nothing.
func errOnly(co *async.Co, c *tcp.Conn, buf []byte) error {
	r := async.Await(co, c.Read(buf))
	return r.Err
}

// Good: a Result polled out of a future is the poll-level code's own, and
// parameters are their caller's.
type wrap struct {
	inner async.Future[async.Result[int]]
}

func (w *wrap) Poll(cx *async.Context) (int, bool) {
	r, ok := w.inner.Poll(cx)
	return r.Value, ok
}

func (w *wrap) Cancel() { w.inner.Cancel() }

func param(r async.Result[int]) int { return r.Value }

func named(co *async.Co, c *tcp.Conn) (r async.Result[int]) {
	r = async.Await(co, c.Read(nil))
	_ = r.Value
	return
}

// Good: another package's Result is not async.Result.
func notAsync() int {
	r := other.Get()
	return r.Value
}

// Good: the directive silences a report.
func silenced(co *async.Co, c *tcp.Conn, buf []byte) int {
	r := async.Await(co, c.Read(buf)) //asynccheck:ignore a read error leaves Value 0, which is what is wanted
	return r.Value
}
