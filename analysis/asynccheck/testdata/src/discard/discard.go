package discard

import (
	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/lock"
	"github.com/asyncgo/async/mpsc"
	"github.com/asyncgo/async/oneshot"
	"github.com/asyncgo/async/tcp"

	"other"
)

// The first snippet: the write is made and dropped.
func writeDropped(co *async.Co, c *tcp.Conn, b []byte) {
	c.WriteAll(b) // want `the future returned by c.WriteAll is never awaited, polled or spawned, so it does nothing; await it \(async.Await\(co, ...\)\) or spawn it`
}

// The second snippet: only 2 is sent. Send returns a
// *mpsc.SendFuture, a future by its methods, not by its name.
func sendDropped(co *async.Co, tx *mpsc.Sender[int]) error {
	tx.Send(1) // want `the future returned by tx.Send is never awaited`
	return async.Await(co, tx.Send(2))
}

// Lock takes its place in line at the call, but the future must still be
// awaited or cancelled: dropping it is a bug too.
func lockDropped(co *async.Co, mu *lock.Mutex) {
	mu.Lock() // want `the future returned by mu.Lock is never awaited`
	mu.Unlock()
}

func otherDrops(co *async.Co, c *tcp.Conn, b []byte) {
	_ = c.WriteAll(b)                             // want `assigning to _ drops the future returned by c.WriteAll: it is never awaited`
	go c.WriteAll(b)                              // want `go statement drops the future returned by c.WriteAll: it is never awaited`
	defer c.WriteAll(b)                           // want `defer drops the future returned by c.WriteAll: it is never awaited`
	(c.WriteAll(b))                               // want `the future returned by c.WriteAll is never awaited`
	async.Go(func(co *async.Co) int { return 1 }) // want `the future returned by async.Go is never awaited`
	async.Ready(1)                                // want `the future returned by async.Ready is never awaited`
	var _ = tcp.Connect("a")                      // want `assigning to _ drops the future returned by tcp.Connect`
	n, _ := 1, c.WriteAll(b)                      // want `assigning to _ drops the future returned by c.WriteAll`
	_ = n
}

var _ = tcp.Connect("at init") // want `assigning to _ drops the future returned by tcp.Connect`

// handRolled is a future by its method set alone.
type handRolled struct{}

func (*handRolled) Poll(*async.Context) (string, bool) { return "", true }
func (*handRolled) Cancel()                            {}

func newHandRolled() *handRolled { return &handRolled{} }

// valueFuture's methods are on the pointer: a value of it is a future
// too, once addressed.
type valueFuture struct{}

func (*valueFuture) Poll(*async.Context) (int, bool) { return 0, true }
func (*valueFuture) Cancel()                         {}

func newValueFuture() valueFuture { return valueFuture{} }

func generic[F async.Future[int]](make func() F) {
	make() // want `the future returned by make is never awaited`
}

func byMethodSet() {
	newHandRolled()  // want `the future returned by newHandRolled is never awaited`
	newValueFuture() // want `the future returned by newValueFuture is never awaited`
	f := func() async.Future[int] { return async.Ready(1) }
	f() // want `the future returned by f is never awaited`
}

// Good: every future is awaited, spawned, kept or returned.
func good(co *async.Co, c *tcp.Conn, b []byte, tx *mpsc.Sender[int], w *aio.WriteAllFuture) async.Future[async.Result[int]] {
	async.Await(co, c.WriteAll(b))
	r := async.Await(co, c.WriteAll(b))
	_ = r
	f := c.WriteAll(b)
	async.Await(co, f)
	fs := []async.Future[async.Result[int]]{c.WriteAll(b)}
	_ = fs
	if err := async.Await(co, tx.Send(1)); err != nil {
		return nil
	}
	return c.WriteAll(b)
}

// Good: a JoinHandle has Detach: the task runs whether or not the handle
// is awaited.
func spawned(co *async.Co, c *tcp.Conn, b []byte) {
	async.Spawn(co.Context(), c.WriteAll(b))
	_ = async.Spawn(co.Context(), c.WriteAll(b))
	go async.Spawn(co.Context(), c.WriteAll(b))
}

// Good: calls that return no future are never reported.
func notFutures(tx *oneshot.Sender[int], c *tcp.Conn, mtx *mpsc.Sender[int]) {
	tx.Send(1)
	_ = tx.Send(1)
	mtx.TrySend(1)
	c.Close()
	defer c.Close()
	other.NewPoller() // Poll takes other.Context, not async.Context
}

// Good: a method of a future that returns a future arms its receiver,
// which is polled later.
func rearm(co *async.Co, w *aio.WriteAllFuture, b []byte) {
	w.Reset(b)
	async.Await[async.Result[int]](co, w)
}

// Good: a future among several results is one of several handles.
func pair() *oneshot.Sender[int] {
	tx, _ := oneshot.New[int]()
	return tx
}

// Good: conversions and interface checks make no future.
var _ async.Future[string] = (*handRolled)(nil)
var _ = async.Future[string]((*handRolled)(nil))

func conversions(h *handRolled) {
	_ = async.Future[string](h)
}

// Good: the directive silences a report, for a misuse made on purpose.
func silenced(c *tcp.Conn, b []byte) {
	//asynccheck:ignore dropped on purpose, to test the directive
	c.WriteAll(b)
	c.WriteAll(b) //asynccheck:ignore on the same line
}
