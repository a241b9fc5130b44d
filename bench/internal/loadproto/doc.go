// Package loadproto is the line protocol between the load generator
// (cmd/load) and the harness (cmd/echobench) that drives it.
//
// The load generator writes to stdout, one item a line:
//
//	warm       the warmup ended; messages completed from now on are counted
//	end        the measured window ended; nothing completed later is counted
//	{...}      the Result as JSON, last
//
// In hold mode it writes "ready" once every connection has echoed its
// message, then holds the connections until its stdin closes.
//
// The harness reads the server's CPU time when it sees "warm" and "end", so
// the CPU it attributes to the counted messages covers the same window.
//
// The WebSocket comparison's load generator (cmd/wsbench/wsload) speaks the
// same way: "ready" once its connections are open and idle, then it waits
// for the harness to write "go" on its stdin, broadcasts, and writes "end"
// and the Fanout as JSON.
package loadproto
