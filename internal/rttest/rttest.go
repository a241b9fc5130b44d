// Package rttest runs a test body on each executor of package executor,
// so that every package's tests prove their futures on the current-thread
// executor and on the multi-thread one, where a task may move between
// worker goroutines between polls.
//
//	func TestEcho(t *testing.T) {
//		rttest.Each(t, func(t *testing.T, x rttest.Executor) {
//			v, err := executor.Run(echo(), x.Options...)
//			...
//		})
//	}
package rttest

import (
	"testing"

	"github.com/asyncgo/async/executor"
)

// Executor is one executor configuration a body runs on.
type Executor struct {
	Name    string            // the subtest's name: "current-thread" or "multi-thread"
	Options []executor.Option // pass to executor.Run or New
	Multi   bool              // a MultiThread executor
}

// Workers is the number of workers of the multi-thread executor under
// test: two, so that tasks move between them, even on a machine with one
// CPU.
const Workers = 2

// Executors are the configurations Each runs a body on.
var Executors = []Executor{
	{Name: "current-thread"},
	{Name: "multi-thread", Options: []executor.Option{executor.WithWorkers(Workers)}, Multi: true},
}

// Each runs body as a subtest once per executor configuration.
func Each(t *testing.T, body func(t *testing.T, x Executor)) {
	t.Helper()
	for _, x := range Executors {
		t.Run(x.Name, func(t *testing.T) { body(t, x) })
	}
}

// With returns x's options followed by more, such as
// executor.WithPausedClock().
func (x Executor) With(more ...executor.Option) []executor.Option {
	return append(append([]executor.Option(nil), x.Options...), more...)
}

// Make makes an executor of x's kind with opts besides x's own; the
// caller closes it.
func (x Executor) Make(opts ...executor.Option) (executor.Executor, error) {
	if x.Multi {
		return executor.NewMultiThread(x.With(opts...)...)
	}
	return executor.NewCurrentThread(opts...)
}

// New is Make, failing the test on an error and closing the executor when
// the test ends.
func (x Executor) New(t testing.TB, opts ...executor.Option) executor.Executor {
	t.Helper()
	ex, err := x.Make(opts...)
	if err != nil {
		t.Fatalf("executor: %v", err)
	}
	t.Cleanup(func() { ex.Close() })
	return ex
}
