//go:build race

package executor_test

// raceEnabled is true under the race detector, which slows the runtime
// about tenfold: stress tests shrink to keep their time bounded.
const raceEnabled = true
