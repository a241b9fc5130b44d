package bridge

import (
	"errors"
	"math/rand/v2"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/async/internal/rttest"
)

// Goroutines read and write at once, each moving its deadlines at random,
// while the connection echoes; then Close ends them all. Every call must
// return, with data, a timeout, or net.ErrClosed (the race detector checks
// the rest), as in the net package's conformance tests.
func TestRacyUse(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		h := newHarness(t, x)
		nc := bridged(h)
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		check := func(err error) bool {
			if err != nil && !isTimeout(err) && !errors.Is(err, net.ErrClosed) {
				errs <- err
			}
			return err == nil || isTimeout(err)
		}
		for range 4 {
			wg.Add(2)
			go func() {
				defer wg.Done()
				buf := make([]byte, 1024)
				for {
					nc.SetReadDeadline(time.Now().Add(time.Duration(rand.IntN(3000)) * time.Microsecond))
					if _, err := nc.Read(buf); !check(err) {
						return
					}
				}
			}()
			go func() {
				defer wg.Done()
				buf := make([]byte, 1024)
				for {
					nc.SetWriteDeadline(time.Now().Add(time.Duration(rand.IntN(3000)) * time.Microsecond))
					if _, err := nc.Write(buf); !check(err) {
						return
					}
				}
			}()
		}
		time.Sleep(100 * time.Millisecond)
		nc.Close()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(patience):
			t.Fatal("calls did not return after Close")
		}
		close(errs)
		for err := range errs {
			t.Errorf("unexpected error: %v", err)
		}
	})
}
