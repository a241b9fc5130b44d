// Package delayserver implements the test server from the book
// "Asynchronous Programming in Rust": an HTTP server that answers each
// request after a delay the request chooses. It is built on net/http and
// shares no code with this module's runtime, so the runtime's own HTTP
// clients can be tested against an independent implementation.
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
// If the client goes away before the delay ends, the request is abandoned
// and nothing is written.
//
// # Errors
//
// A delay that is not a whole number, is negative, or exceeds [MaxDelay],
// a missing or empty message (/100 or /100/), or a message with a
// malformed escape is answered with 400 Bad Request and a one-line plain
// text reason naming the bad input. net/http itself rejects malformed
// escapes with a bare 400 before the request reaches this package.
//
// Methods other than GET, HEAD included, are answered with 405 Method Not
// Allowed and "Allow: GET": the point of a request is its delayed body,
// which HEAD would not carry.
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
//	srv, err := delayserver.Start("127.0.0.1:0", nil)
//	if err != nil {
//		t.Fatal(err)
//	}
//	defer srv.Close()
//	resp, err := http.Get(srv.URL() + "/200/hello")
//
// The command github.com/asyncgo/async/cmd/delayserver runs the same
// server as a standalone program.
package delayserver
