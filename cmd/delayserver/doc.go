// Delayserver is the test server from the book "Asynchronous Programming
// in Rust": it answers GET /{delay_ms}/{message} with the message after
// delay_ms milliseconds and then closes the connection. See package
// github.com/asyncgo/async/delayserver for the full protocol.
//
// Usage:
//
//	delayserver [-addr host:port] [-impl nethttp|async]
//
// The flags are:
//
//	-addr host:port
//		Listen on host:port (default 127.0.0.1:8080); port 0 picks a
//		free port. Under -impl async, host must be an IP address,
//		localhost, or empty for every IPv4 address.
//	-impl nethttp|async
//		The implementation to serve with (default nethttp). nethttp is
//		Go's net/http, independent of the runtime; async is the
//		runtime's own http1.Server on a multi-thread executor. A
//		client sees the same answers from both.
//
// Delayserver prints the URL it listens on and the implementation to
// standard error and one line per request to standard output. It stops
// on SIGINT or SIGTERM, dropping requests still waiting out their delay.
//
// To run the book's programs against the runtime's server:
//
//	go run ./cmd/delayserver -impl async &
//	go run ./examples/async-await
package main
