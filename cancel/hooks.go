package cancel

import "github.com/asyncgo/async/internal/waitq"

// hook is an entry in a token's list of what to do when it is cancelled.
// Everything in that list is a Waker, called once, in order, after the
// token's lock is released:
//
//   - a waiting Cancelled future: the waker of its task (the hook lives in
//     the future, so waiting allocates nothing);
//   - a callback of AfterFunc: the function, as an async.WakerFunc;
//   - a child token: the child itself, as a *childLink, whose Wake cancels
//     it (the hook lives in the child).
//
// A hook is a waitq.Node: its place in the list and its waker. It is
// guarded by the mutex of the token whose list it is in.
type hook = waitq.Node[struct{}]

// hookList is the FIFO of a token's hooks, doubly linked so that a hook
// leaves from the middle (a cancelled wait, a stopped callback, a released
// child) in constant time.
type hookList = waitq.List[struct{}]
