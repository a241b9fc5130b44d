package websocket

import (
	"errors"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/park"
	"github.com/asyncgo/async/task"
)

// ErrOnExecutor is what a Blocking method returns when called from a
// future the executor polls, where blocking would stop the executor from
// turning the reactor the call waits for.
var ErrOnExecutor = errors.New("websocket: Blocking call from a future on the executor; await the future instead")

// ReadMessageBlocking is ReadMessage for a plain goroutine (a net/http
// handler's): it blocks until a message arrives. The executor that serves
// the connection must be running meanwhile.
func (c *Conn) ReadMessageBlocking() (Message, error) {
	r, err := wait(c, c.ReadMessage())
	if err != nil {
		return Message{}, err
	}
	return r.Value, r.Err
}

// WriteMessageBlocking is WriteMessage for a plain goroutine.
func (c *Conn) WriteMessageBlocking(t MessageType, data []byte) error {
	err, werr := wait(c, c.WriteMessage(t, data))
	if werr != nil {
		return werr
	}
	return err
}

// CloseBlocking is Close for a plain goroutine.
func (c *Conn) CloseBlocking(code StatusCode, reason string) error {
	err, werr := wait(c, c.Close(code, reason))
	if werr != nil {
		return werr
	}
	return err
}

// wait polls f on the calling goroutine, with the connection's reactor,
// and blocks between polls until f's waker is called.
func wait[T any](c *Conn, f async.Future[T]) (T, error) {
	var zero T
	if task.Polling() {
		return zero, ErrOnExecutor
	}
	w := park.New()
	tcx := task.NewContext(nil, c.r)
	tcx.SetWaker(w)
	for {
		tcx.ResetBudget()
		if v, ok := f.Poll((*async.Context)(tcx)); ok {
			return v, nil
		}
		w.Wait()
	}
}
