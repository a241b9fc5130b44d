// Package other declares types shaped like async's but of another
// package, which the checks must not take for them.
package other

// Context is not async.Context.
type Context struct{}

// Poller has Poll and Cancel, but Poll takes another Context: it is not
// a future.
type Poller struct{}

// Poll is ready at once.
func (p *Poller) Poll(cx *Context) (int, bool) { return 0, true }

// Cancel does nothing.
func (p *Poller) Cancel() {}

// NewPoller returns a Poller.
func NewPoller() *Poller { return &Poller{} }

// Result is not async.Result.
type Result struct {
	Value int
	Err   error
}

// Get returns a Result.
func Get() Result { return Result{} }
