// Package cli is the command-line plumbing the bench commands share: a
// duration flag that also takes bare seconds, the -only server filter,
// the line that reruns an invocation, and main's run-and-exit frame.
//
// A command parses its flags with these helpers and hands its parse and
// run functions to Main:
//
//	func main() { cli.Main("echobench", parseFlags, run) }
//
// Main exits 2 when the flags are wrong and 1 when run fails, and cancels
// run's context on SIGINT or SIGTERM.
package cli
