// Package peers builds the servers a comparison runs, offline: the Go
// peers kept in the bench module, the runtime's examples in the main
// module, and the Rust peers against Debian's packaged crates.
//
// A command first finds the two modules, then builds into a scratch
// directory:
//
//	m, err := peers.FindModules(ctx, "echobench", mainDir)
//	bin, err := peers.BenchServer("./servers/netecho")(ctx, m, dir)
//
// Every build folds the tool's output into its error, so a failed peer can
// be skipped with a note that says why.
package peers
