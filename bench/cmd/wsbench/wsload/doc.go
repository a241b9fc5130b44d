// Command wsload is the load generator of the WebSocket broadcast
// comparison (cmd/wsbench), which runs it pinned to a CPU of its own.
//
// It opens -conns WebSocket connections to ws://-addr/, a few at a time,
// with a goroutine reading each, and makes sure the server has them all:
// it sends probe messages on the first connection (the sender) until one
// reaches every connection. Then it sends -warmup broadcasts, uncounted,
// and prints "ready": every connection is open, upgraded, has received
// messages and is silent, which is when the harness measures the server's
// memory. It waits for the line "go" on stdin, sends -broadcasts messages
// on the sender, each once every connection (the sender included) has
// received the one before and -pause has passed, prints "end", then one
// line of JSON (internal/loadproto's Fanout) with the delivery latencies.
// It holds the connections until stdin closes, so that closing them does
// not land in the server's CPU time, which the harness reads after "end".
//
//	wsload -addr 127.0.0.1:8080 -conns 10000 -broadcasts 20
//
// Each message is -size bytes (64 by default, at least 16): a sequence
// number, the time it was sent (nanoseconds on this process's monotonic
// clock), and padding. A delivery's latency is the time it was read whole
// minus the time it was sent; sender and receivers share the clock, being
// one process. It expects the server to send every message it receives
// to every connection: the chat room, in which what one says all hear.
//
// It uses gorilla/websocket's client: a goroutine per connection is cheap
// enough here, and its CPU is its own core's. Its connections close with a
// reset (SO_LINGER 0), so thousands of ports do not sit in TIME_WAIT
// between runs.
package main
