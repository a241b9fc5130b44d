// Package nethttp runs net/http handlers on the async runtime's HTTP/1.1
// server: Go's ServeMux with its patterns, middleware written for
// net/http, http.FileServer, anything that is an http.Handler. The
// connections stay on the event loop, as http1's own handlers' do; each
// request's ServeHTTP runs on a goroutine of the executor's blocking
// pool, with a real *http.Request and an http.ResponseWriter that is an
// http.Flusher and an http.Hijacker (and works with
// http.NewResponseController).
//
// # How to start
//
//	mux := http.NewServeMux()
//	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
//		fmt.Fprintf(w, "item %s\n", r.PathValue("id"))
//	})
//	srv := &http1.Server{Handler: nethttp.Handler(mux)}
//	err, runErr := executor.Run(srv.ListenAndServe("127.0.0.1:8080"))
//
// Use an Adapter for its options (an ErrorLog). The http1.Server's limits
// and timeouts apply to every request, whichever handler answers it.
//
// # How data flows
//
// A connection is a task on the event loop, which parses each request
// head and calls the Adapter. The Adapter's future builds the
// *http.Request from the head, hands the handler to the blocking pool,
// and from then on does the socket I/O the handler asks for, and nothing
// else: the goroutine never touches the socket. The two meet in a small
// exchange guarded by a mutex. When the handler reads the body, flushes,
// fills its response buffer or returns, its goroutine posts an op, wakes
// the connection's task with its waker, and waits on a channel; the task
// does the op with the server's own futures (reading the body straight
// into the handler's buffer, copying response bytes into the server's
// output buffer) and signals the channel. The loop never waits for the
// goroutine: with no op posted, its future is pending.
//
//	handler goroutine                       connection task (event loop)
//	r.Body.Read(p) ──── op: read into p ──► poll the request body's Read
//	               ◄──── n, err ──────────
//	w.Write(p) ──────── buffered (4 KiB) ──
//	w.Flush() ───────── op: bytes, flush ─► poll Write, then Flush: the
//	               ◄──── taken ───────────  client took them
//	return ──────────── op: last bytes ───► head + body in one write;
//	                                         the goroutine is back in the pool
//
// So backpressure works in both directions: the body is read from the
// socket only when the handler asks for it, and a handler that writes
// faster than its client reads waits in Write or Flush (its goroutine
// stalls, not the loop). A response of at most 4 KiB written without a
// Flush costs one hand-over at the end and goes out with a
// Content-Length; a longer one goes over in 4 KiB pieces (or the
// handler's larger writes, uncopied) and is chunked once the server's
// output buffer passes 16 KiB.
//
// The request's context is cancelled when the handler returns (as
// net/http's), when reading or writing the connection fails, and when the
// server aborts the request: the client went away while the handler ran
// (the server watches the socket once the body is read), a timeout, or a
// shutdown whose grace ran out. context.Cause says which.
//
// # Compared with net/http
//
// The handler sees what net/http's server would give it: Method, URL
// (the absolute form and CONNECT's authority form too), Proto, Header
// with canonical keys (Host moved to Host, Transfer-Encoding to
// TransferEncoding), ContentLength (-1 for a chunked body), Close,
// RemoteAddr, RequestURI, Body (http.NoBody when there is none), and a
// context holding http.LocalAddrContextKey. The writer follows net/http's
// rules: the first WriteHeader wins, Write implies 200, a body for 204 or
// 304 is http.ErrBodyNotAllowed, writing past a declared Content-Length
// is http.ErrContentLength, a missing Content-Type is sniffed, a HEAD
// response gets the Content-Length its body would have. It differs in
// these ways:
//
//   - 1xx statuses other than 101 are ignored: the server sends 100
//     Continue itself when the handler first reads a body the client
//     asked it for, and 103 Early Hints are not sent. 101 Switching
//     Protocols goes out when the handler calls Hijack.
//   - The server writes its own Date; a Date the handler sets is dropped.
//     Response trailers are not sent, and request trailers are read
//     but not given to the handler.
//   - A panicking handler is answered 500 if the head was not sent yet
//     (net/http sends nothing), and the connection closes.
//     http.ErrAbortHandler closes it without an answer or a log line.
//   - The loop does one op at a time, so a goroutine reading the body
//     and another writing the response take turns (a Write waits for a
//     Read in flight). One goroutine may read the body after it started
//     the response (net/http's default drains the body first instead);
//     EnableFullDuplex is not offered.
//   - http.ResponseController's read and write deadlines are not
//     supported (the server's timeouts apply), and the context holds no
//     http.ServerContextKey.
//
// # What it costs
//
// Per request, besides the handler: the *http.Request and one block
// holding its URL, context parent, body and writer; the header map, one
// string holding the target, Host, remote address and every field value,
// and one array of the header's value slices; the cancellable context.
// That is 8 allocations (about 1.1 KiB) a request for examples/hello,
// besides the one its handler makes setting a header field. Everything
// else (the exchange with
// its 4 KiB buffer, the channel the goroutine waits on) is reused from a
// free list, and the handler's goroutine is the blocking pool's.
//
// A request whose handler reads no body and writes a small response
// crosses between the loop and the pool twice: to start the handler, and
// to hand back the response. After each hand-over to the goroutine the
// loop yields its thread (runtime.Gosched): with GOMAXPROCS=1, a server
// pinned to one core, the handler then runs at once, rather than when the
// executor blocks in epoll_wait and the Go runtime's sysmon hands the P
// over, tens of microseconds and two thread switches later. Measured on a
// 2-core machine, examples/hello pinned to one core under wrk -c100
// keep-alive: about 12-15 µs of server CPU a request through the adapter,
// against 10 µs for the native handler and 27 µs for nbio's nbhttp in the
// same runs (and 20-29 µs for the adapter without the yield).
// BenchmarkAdapterHello measures the same in process.
package nethttp
