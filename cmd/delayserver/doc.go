// Delayserver is the test server from the book "Asynchronous Programming
// in Rust": it answers GET /{delay_ms}/{message} with the message after
// delay_ms milliseconds and then closes the connection. See package
// github.com/asyncgo/async/delayserver for the full protocol.
//
// Usage:
//
//	delayserver [-addr host:port]
//
// The flag is:
//
//	-addr host:port
//		Listen on host:port (default 127.0.0.1:8080); port 0 picks a
//		free port.
//
// Delayserver prints the URL it listens on to standard error and one line
// per request to standard output. It stops on SIGINT or SIGTERM, dropping
// requests still waiting out their delay.
package main
