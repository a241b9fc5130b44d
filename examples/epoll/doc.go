// Epoll is the program of chapter 4 of "Asynchronous Programming in Rust",
// "Create Your Own Event Queue": it sends five HTTP requests to a
// delayserver on non-blocking sockets, asking for delays of 5, 4, 3, 2 and
// 1 seconds, and waits for all the answers on one goroutine with one event
// queue (package poll: epoll on Linux, kqueue on macOS and the BSDs). The
// answers print in the order their delays end, request-4 first, and the
// whole run takes about five seconds, not fifteen.
//
// The code is in internal/book/ch04.go (function Chapter4); this command
// only runs it. Start a delayserver first:
//
//	go run ./cmd/delayserver &
//	go run ./examples/epoll
//
// Usage:
//
//	epoll [-server host:port]
//
// The flag is:
//
//	-server host:port
//		The delayserver to ask (default 127.0.0.1:8080). Host is an
//		IPv4 or IPv6 address, or localhost; names are not looked up.
//
// Epoll exits with status 1 and the error on standard error if a request
// fails, for example when no server listens on the address.
package main
