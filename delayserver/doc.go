// Package delayserver implements the test server from the book
// "Asynchronous Programming in Rust": an HTTP server that answers each
// request after a delay the request chooses.
//
// # Two implementations
//
// The protocol below has two implementations, and Start takes the one to
// serve with (see Impl); a client sees no difference between them, but
// for the few listed under Differences.
//
// NetHTTP, Impl's zero value, is built on net/http and runs no code of
// this module's runtime (the code it shares with the other is the
// protocol's parsing and log, on the standard library alone), so the
// runtime's own HTTP clients are tested against an independent
// implementation: a bug in the runtime cannot hide by being on both ends.
//
// Async serves the same protocol on the runtime's own server,
// http1.Server, a task per connection on a MultiThread executor with two
// workers, the delay a timer of the runtime. Its purpose is the reverse:
// the book's programs and the other clients that pass against NetHTTP,
// run against Async, test the runtime's server, with net/http as the
// reference for what it must answer.
//
// # Protocol
//
// A request
//
//	GET /{delay_ms}/{message}
//
// waits delay_ms milliseconds and then answers 200 OK with
// Content-Type "text/plain; charset=utf-8" and the message as the body.
// The message is everything after the second slash, percent-decoded as a
// path, so it may contain slashes and escapes: GET /0/a%20b/c%2Fd answers
// "a b/c/d". A query string is ignored.
//
// Every response carries "Connection: close" and the server closes the
// connection after it, so each connection serves exactly one request.
//
// If the client goes away before the delay ends (it closes the
// connection, or shuts down its side of it), the request is abandoned:
// nothing is written and the connection is closed.
//
// # Errors
//
// A delay that is not a whole number, is negative, or exceeds [MaxDelay],
// a missing or empty message (/100 or /100/), or a message with a
// malformed escape is answered with 400 Bad Request and a one-line plain
// text reason naming the bad input. Under NetHTTP, net/http itself
// rejects a malformed escape anywhere in the path with a bare 400 before
// the request reaches this package (see Differences).
//
// Methods other than GET, HEAD included, are answered with 405 Method Not
// Allowed and "Allow: GET": the point of a request is its delayed body,
// which HEAD would not carry.
//
// # Differences
//
// The two implementations answer alike every request that is valid
// HTTP/1.1, byte for byte but for the Date and the order of the fields.
// They differ only where HTTP/1.1 itself is broken, which each server
// refuses before the protocol sees the request, and in one version
// number:
//
//   - A malformed escape (/0/%zz) gets a bare "400 Bad Request" from
//     net/http; under Async the protocol answers it with its reason,
//     invalid message "%zz": invalid URL escape "%zz" (in the delay,
//     /%zz/x, the delay's reason: not a whole number).
//   - net/http accepts request-targets that RFC 9112 forbids, such as a
//     raw "#" or a byte above 0x7F, and serves them; http1 refuses them
//     with 400. Both refuse an HTTP/1.1 request without Host with 400,
//     each with its own reason.
//   - net/http answers an HTTP/1.0 request with an HTTP/1.0 status line,
//     http1 with HTTP/1.1 (RFC 9110 section 2.5 lets a server send its
//     own version).
//
// # Log
//
// Each valid request writes one line to the server's log as it arrives,
// before the delay:
//
//	#{n} - {delay_ms}ms: {message}
//
// where n counts valid requests from 1 per server; rejected requests are
// neither counted nor logged, so the numbers match the requests a test
// meant to send. Lines are written whole and in the order of their
// numbers, even under concurrent requests.
//
// # Use in tests
//
// Start a server on a free loopback port and close it when done:
//
//	srv, err := delayserver.Start(delayserver.NetHTTP, "127.0.0.1:0", nil)
//	if err != nil {
//		t.Fatal(err)
//	}
//	defer srv.Close()
//	resp, err := http.Get(srv.URL() + "/200/hello")
//
// To run a test against both implementations, start each of Impls in a
// subtest:
//
//	for _, impl := range delayserver.Impls() {
//		t.Run(impl.String(), func(t *testing.T) {
//			srv, err := delayserver.Start(impl, "127.0.0.1:0", nil)
//			...
//		})
//	}
//
// Close drops the requests still in their delay under both; when it
// returns, every goroutine the server started has ended.
//
// The command github.com/asyncgo/async/cmd/delayserver runs the same
// server as a standalone program, with -impl to choose the
// implementation.
package delayserver
