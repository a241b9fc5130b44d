// Package http1 is HTTP/1.1 (RFC 9112) for the async runtime: a server
// whose handlers are futures, polled on the event loop without a
// goroutine per connection, and a pooled client.
//
// A server answers every request with a Handler:
//
//	srv := &http1.Server{Handler: http1.HandlerFunc(func(w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
//		w.Header().Set("Content-Type", "text/plain")
//		return w.Send(200, []byte("Hello, World!"))
//	})}
//	err, runErr := executor.Run(srv.ListenAndServe("127.0.0.1:8080"))
//
// A handler that must wait (for a body, a timer, another service) is a
// coroutine, async.Do(func(co *async.Co) { ... }), or any future;
// a net/http Handler runs through package http1/nethttp. Shutdown stops
// the server gracefully.
//
// # How a request flows
//
// Each connection is one task: a state machine that reads a request head
// into a buffer, parses it, calls the handler and polls the future it
// returns, finishes the response (its framing, any body the handler left
// unread), and writes the response out; then it reads the next request.
// Pipelined requests are answered in order, and their responses leave in
// one write. The handler's Request is a view of the parsed head (its
// slices point into the connection's buffer) and its ResponseWriter
// writes into the connection's output buffer, so a handler that reads
// fields and sends a small body allocates nothing.
//
// A connection waiting for its next request holds no buffer: the buffers
// and the per-request state (an exchange) come from a free list when
// bytes arrive and go back when the connection is idle again. An idle
// keep-alive connection costs its task, its socket's registration, a
// timer and a small struct.
//
// While a handler waits on something other than the client, the
// connection keeps reading its socket: a client that goes away cancels
// the handler's future.
//
// # Limits and timeouts
//
// Every limit and timeout of the Server has a documented default. A
// request over a limit is answered 400, 413, 414, 431, 501 or 505, and
// one too slow 408, and the connection is closed; nothing else on the
// server is affected. One timer per connection serves every timeout,
// re-armed lazily, so a busy connection does not touch the timer wheel
// for each request.
//
// # The client
//
// Client.Do sends a ClientRequest and is ready with a Response once its
// head has arrived; Client.Get and the package-level Get (one request on a
// connection of its own) are shorthands:
//
//	var cl http1.Client
//	resp, err := async.Get(co, cl.Get("http://127.0.0.1:8080/hello"))
//	if err != nil {
//		return err
//	}
//	body, err := async.Get(co, resp.Body.ReadAll(1<<20))
//
// The Response's Body is an aio.Reader over the connection, read as the
// caller reads, so a large download never sits whole in memory; read to
// io.EOF, or closed once all of it has arrived, it gives the connection
// back to the pool. A Client keeps keep-alive connections per host: up to
// MaxIdlePerHost idle ones (4), each closed after IdleTimeout (90 s) by a
// timer on the reactor, and at most MaxPerHost open at once, later
// requests waiting in the order they came. A connection is reused only by
// tasks on the reactor it is registered with (all the workers of a
// multi-thread executor share one). A request is written while its
// response is read, so a server that answers before it read the body (a
// 413) is heard; a pooled connection is probed before it is reused, and a
// request that fails on one before any byte of an answer is sent once more
// on a new connection when its body allows. Responses are framed by RFC
// 9112 section 6.3 with the parser's strictness (no body for HEAD, 1xx,
// 204 and 304; chunked; Content-Length; or until close), and request
// bodies are streams, sent with Content-Length when it is known and
// chunked when not.
//
// ConnectTimeout (30 s) bounds a connect, and Timeout, if set, a request
// up to its response head; the body is read at the caller's pace, to be
// bounded with timer.Timeout. Redirects are followed only under a
// CheckRedirect policy such as FollowRedirects(10): 301, 302 and 303
// become a GET without a body, 307 and 308 repeat the request and need
// GetBody to send its body again. Errors are *Error values that name the
// method, the URL and the step that failed, as in "http1: GET
// http://127.0.0.1:7/x: connect: dial tcp 127.0.0.1:7: connect: connection
// refused"; timeouts are net.Errors and match os.ErrDeadlineExceeded.
// Cancelling a Do or a body's Read closes a connection caught
// mid-exchange and gives back a place in line.
//
// Only http URLs are served: HTTPS is out of scope here, and a program
// gets it today by wrapping a tcp.Conn with bridge.NetConn and crypto/tls's
// tls.Client and speaking HTTP over that from a goroutine.
//
// # How a head is parsed
//
// A connection reads into one buffer. After each read the parser is
// handed the bytes read so far, the head first; it answers "complete,
// n bytes", "need more" or an error carrying the status the server must
// answer (400, 414, 431, 501 or 505) before it closes the connection.
// The parse is incremental: the state of a half-read head (where the
// search for the next line ending stopped, which lines are parsed) lives
// in the head value, so a client that sends one byte at a time costs time
// linear in the head's size, and a head split across any number of reads
// parses exactly as it does whole.
//
// The parser allocates nothing once warm. The method, the target and
// every field name and value are positions in the buffer, read back as
// slices of it; the list of fields keeps its capacity from one request to
// the next. Field names are compared ignoring ASCII case and values are
// kept as bytes, without the whitespace around them. The facts that frame
// the message (Content-Length, chunked, Connection, Expect, Host) are
// derived while the fields are parsed, so nobody looks them up again.
//
// # Strictness
//
// A request that a front end and this server could frame differently is
// how requests are smuggled, so the parser repairs nothing: lines end in
// CRLF (no bare LF, no bare CR), there is no whitespace before a colon and
// no obsolete line folding, methods and field names are tokens, field
// values hold no controls, an HTTP/1.1 request has exactly one Host,
// Content-Length is digits and never conflicts, and Transfer-Encoding
// comes without Content-Length, ends in chunked, names it once, and is
// not in an HTTP/1.0 request. Each rule cites its section of RFC 9110 or
// RFC 9112 where it is written, and has a test named after it.
//
// # How a body is framed
//
// After the head, the same buffer feeds the body's decoder: a Content-Length
// counter, or the chunked decoder, an incremental state machine that is
// handed whatever bytes are buffered and answers with how many it consumed,
// the span of body data among them (a slice of the buffer, never copied) and
// whether the body has ended; it never consumes a byte of the next message,
// and a body split across any number of reads decodes the same. The body
// reader is an aio.Reader over that: it reads the connection only when its
// caller asks for more and the buffer is spent, so a large upload never sits
// whole in memory, and a body left unread can be drained, up to a limit, or
// the connection closed. Chunk sizes, extensions, the CRLF after each chunk
// and the trailer fields are held to RFC 9112 section 7 as strictly as the
// head; malformed framing is a 400, and a body over its limit a 413. The
// chunked encoder writes a response's framing into the caller's buffer.
//
// # Limits of the parser
//
// A head is bounded by default to a request line of 8 KiB (beyond it the
// answer is 414), 64 KiB in all and 100 field lines (beyond either, 431);
// a body to 10 MiB (413), its chunk extensions to 4 KiB and its trailers to
// 8 KiB (400). The reasons for these numbers are written beside the limits
// types; the Server's fields set them.
package http1
