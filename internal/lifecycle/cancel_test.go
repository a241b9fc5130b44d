package lifecycle

import "testing"

// allCases is the table: every future-returning API of the module.
func allCases() []lcase {
	var cs []lcase
	for _, part := range [][]lcase{
		asyncCases(),
		timerCases(),
		tcpCases(),
		udpCases(),
		unixCases(),
		dnsCases(),
		chanCases(),
		aioCases(),
		syncCases(),
		miscCases(),
		websocketCases(),
	} {
		cs = append(cs, part...)
	}
	return cs
}

// TestCancelUnpolled makes each future, cancels it without polling it, and
// checks that it released everything and left its object usable.
func TestCancelUnpolled(t *testing.T) { runTable(t, unpolled, allCases()) }

// TestCancelAfterPendingPoll polls each future that can be pending once,
// inside a task, so that it stores the waker, then cancels it, and checks
// the same.
func TestCancelAfterPendingPoll(t *testing.T) { runTable(t, afterPending, allCases()) }
