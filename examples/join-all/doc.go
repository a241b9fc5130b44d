// Join-all is the last example of chapter 10 of "Asynchronous Programming
// in Rust", "Creating Your Own Runtime": a hundred tasks, task i asking a
// delayserver for /{i*10}/HelloAsyncAwait{i}, spawned at once and awaited
// together with async.JoinAll. Each task prints its body as it arrives.
// One after another the delays would add up to 49.5 seconds; together
// they take about the longest, one second, which the program prints last.
// As the book's example runs another library's futures, the requests are
// made with package http1's client.
//
// The code is in internal/book/ch10_join_all.go (function
// Chapter10JoinAll); this command only runs it. Start a delayserver first:
//
//	go run ./cmd/delayserver &
//	go run ./examples/join-all
//
// Usage:
//
//	join-all [-server host:port]
//
// The flag is:
//
//	-server host:port
//		The delayserver to ask (default 127.0.0.1:8080). Host is an
//		IPv4 or IPv6 address, localhost, or a name, which the client
//		looks up.
//
// Join-all exits with status 1 and the error on standard error if a
// request fails, for example when no server listens on the address.
package main
