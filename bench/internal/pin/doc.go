// Package pin runs the processes a benchmark measures, each pinned to its
// CPUs with taskset, and makes sure none outlives the harness.
//
// A harness keeps one Group, defers its KillAll, and starts every server
// and load generator through it:
//
//	g := pin.NewGroup()
//	defer g.KillAll()
//	s, err := g.Start("net", "0", pin.Options{}, bin, "-addr", addr)
//	err = s.WaitListening(ctx, addr, 10*time.Second)
//
// A child's output goes to a Tail that keeps its last bytes for error
// messages; a driven child (Options.Driven) instead hands its stdout back
// line by line on Lines and reads a stdin the harness closes to stop it.
package pin
