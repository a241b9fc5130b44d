// Async-await is the async/await program of chapter 7 of "Asynchronous
// Programming in Rust", "Coroutines and async/await", in its two versions.
// The first awaits five requests one after another, request i asking a
// delayserver for /{i*1000}/HelloWorld{i}: it takes the sum of the delays,
// about ten seconds. The second makes each request a coroutine of its own
// and awaits them all with async.JoinAll: it takes the longest delay,
// about four seconds. Both are plain Go functions run as coroutines
// (async.Go), with async.Await where the book writes .wait; each prints
// the bodies as they arrive and its "ELAPSED TIME".
//
// The code is in internal/book/ch07_async_await.go (function
// Chapter7AsyncAwait); this command only runs it. Start a delayserver
// first:
//
//	go run ./cmd/delayserver &
//	go run ./examples/async-await
//
// Usage:
//
//	async-await [-server host:port]
//
// The flag is:
//
//	-server host:port
//		The delayserver to ask (default 127.0.0.1:8080). Host is an
//		IPv4 or IPv6 address, or localhost; names are not looked up.
//
// Async-await exits with status 1 and the error on standard error if a
// request fails, for example when no server listens on the address.
package main
