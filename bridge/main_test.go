package bridge

import (
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/asyncgo/async/internal/fdcheck"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(fdCheck{m}) }

// fdCheck fails the run if it leaves more or fewer open descriptors than
// it found: every socket and every executor's reactor must be closed.
type fdCheck struct{ m *testing.M }

func (c fdCheck) Run() int {
	// The Go runtime opens its own poller's descriptors on first use of a
	// timer; do that before counting.
	time.Sleep(time.Millisecond)
	before := fdcheck.Open()
	code := c.m.Run()
	if after := fdcheck.Open(); after != before {
		fmt.Fprintf(os.Stderr, "bridge tests: %d open descriptors before, %d after\n", before, after)
		if code == 0 {
			code = 1
		}
	}
	return code
}
