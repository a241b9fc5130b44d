package signals

import "os"

// bufferSize is how many distinct signals a stream keeps for a Recv to
// come, and the buffer of the channel os/signal delivers on. Signals are
// coalesced (see pending), so it takes this many different signals
// arriving while the task is busy for one to be dropped.
const bufferSize = 16

// pending is a stream's signals received and not yet taken, oldest first,
// without duplicates: a signal that arrives while the same one is still
// pending is coalesced with it, as the kernel and os/signal coalesce a
// signal raised again before it is delivered. When every slot is taken, a
// new signal is dropped, as os/signal drops one for a full channel.
type pending struct {
	sigs [bufferSize]os.Signal
	head int // index of the oldest
	n    int
}

// add keeps sig unless it is pending already or the buffer is full. It
// reports whether sig is pending now.
func (p *pending) add(sig os.Signal) bool {
	for i := range p.n {
		if p.sigs[(p.head+i)%bufferSize] == sig {
			return true
		}
	}
	if p.n == bufferSize {
		return false
	}
	p.sigs[(p.head+p.n)%bufferSize] = sig
	p.n++
	return true
}

// pop takes the oldest signal; the buffer must not be empty.
func (p *pending) pop() os.Signal {
	sig := p.sigs[p.head]
	p.sigs[p.head] = nil
	p.head = (p.head + 1) % bufferSize
	p.n--
	return sig
}

// clear drops every pending signal.
func (p *pending) clear() { *p = pending{} }
