//go:build linux

package poll_test

import (
	"testing"

	"github.com/asyncgo/async/poll"
)

// BenchmarkRegisterDeregister adds a socket to the event queue and removes
// it, two epoll_ctl calls: what every connection costs the poller once.
func BenchmarkRegisterDeregister(b *testing.B) {
	p := newPoller(b)
	fd, _ := socketPair(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Register(fd, 1, poll.ReadWrite, poll.Edge); err != nil {
			b.Fatal(err)
		}
		if err := p.Deregister(fd); err != nil {
			b.Fatal(err)
		}
	}
}
