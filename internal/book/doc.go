// Package book holds the programs of the book "Asynchronous Programming in
// Rust" (C. F. Samson), written in Go on this module's packages, one file per
// chapter. A reader of the book can hold each file beside the Rust.
//
// Each program is a function that writes what the book's program prints to
// an io.Writer and returns an error instead of panicking, so that the tests
// can check its output, and the tour (cmd/tour) and the examples
// (examples/...) can run it.
//
// The programs keep the book's shape on purpose, even where the runtime's
// later layers do better: here the reader sees the raw mechanism (a socket,
// a token, an event, a read until EAGAIN) that those layers hide.
//
// # Chapters
//
//   - Chapter 4, "Create Your Own Event Queue": ch04.go, [Chapter4]. Five
//     HTTP requests on non-blocking sockets, one event queue (package
//     poll), one goroutine; the responses arrive in the order their delays
//     end, not the order they were sent.
//   - Chapters 7 and 8, Http::get: get.go, [Get]. A leaf future over the
//     reactor: non-blocking connect, the request, the response parsed by
//     Content-Length or end of stream, the socket released when the
//     response is complete or the future is cancelled. The book returns
//     the raw bytes; Get parses them and turns malformed responses into
//     errors.
package book
