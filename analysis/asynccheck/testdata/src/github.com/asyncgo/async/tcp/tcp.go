// Package tcp is a stub of the real package for the analyzer's tests.
package tcp

import "github.com/asyncgo/async"

// Conn is a TCP connection.
type Conn struct{}

// Connect returns the future of a connection to addr.
func Connect(addr string) async.Future[async.Result[*Conn]] {
	return async.Ready(async.Result[*Conn]{Value: &Conn{}})
}

// Read returns the future of a read into buf.
func (c *Conn) Read(buf []byte) async.Future[async.Result[int]] {
	return async.Ready(async.Result[int]{})
}

// WriteAll returns the future of a write of all of buf.
func (c *Conn) WriteAll(buf []byte) async.Future[async.Result[int]] {
	return async.Ready(async.Result[int]{Value: len(buf)})
}

// Close closes the connection at once.
func (c *Conn) Close() error { return nil }
