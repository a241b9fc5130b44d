package lifecycle

import (
	"net"
	"strconv"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/tcp"
)

// tcpCases are package tcp's futures. Reads wait on an empty socket,
// writes on a full one, Accept and Serve on an empty accept queue, and
// Connect on a listener whose accept queue is full (the kernel then drops
// the handshake's first packet and the connect stays in progress).
func tcpCases() []lcase {
	cs := []lcase{
		{name: "tcp.Listener.Accept", pendable: true, body: func(h *H) {
			l, err := tcp.Listen("127.0.0.1:0")
			h.must(err, "listen")
			defer l.Close()
			cancel(h, l.Accept(), 1)
			a := get(h, "connect", tcp.Connect(l.Addr().String()))
			defer a.Close()
			b := get(h, "accept after the cancellation", l.Accept())
			defer b.Close()
			expectStream(h, a, b, 0, "ping")
		}},
		{name: "tcp.ServeFuture", pendable: true, body: func(h *H) {
			l, err := tcp.Listen("127.0.0.1:0")
			h.must(err, "listen")
			defer l.Close()
			handled := 0
			cancel(h, tcp.ServeFuture(l, func(c *tcp.Conn) async.Future[struct{}] {
				handled++
				return async.Ready(struct{}{})
			}), 1)
			if handled != 0 {
				h.errorf("the handler ran %d times with no connection", handled)
			}
			a := get(h, "connect", tcp.Connect(l.Addr().String()))
			defer a.Close()
			b := get(h, "accept after the cancellation", l.Accept())
			defer b.Close()
			expectStream(h, a, b, 0, "ping")
		}},
		{name: "tcp.ServeFuture/queued-connection", pendable: true, body: func(h *H) {
			// A connection waits in the queue. Polled, Serve accepts it and
			// spawns its handler's task before it waits for the next; that
			// task outlives the cancelled Serve, echoes, and Serve's wrapper
			// closes the connection when it ends. Unpolled, the connection
			// stays queued for the next Accept.
			l, err := tcp.Listen("127.0.0.1:0")
			h.must(err, "listen")
			defer l.Close()
			a := get(h, "connect", tcp.Connect(l.Addr().String()))
			defer a.Close()
			handled := 0
			cancel(h, tcp.ServeFuture(l, func(c *tcp.Conn) async.Future[struct{}] {
				handled++
				return async.Go(func(co *async.Co) struct{} {
					async.Await(co, aio.Copy(c, c, make([]byte, 64)))
					return struct{}{}
				})
			}), 2)
			if h.pending() {
				if handled != 1 {
					h.fatalf("the handler ran %d times for one connection", handled)
				}
				expectStream(h, a, a, 0, "ping") // echoed by the handler's task
				h.must(a.CloseWrite(), "CloseWrite")
				expectEOF(h, a) // the handler ended and Serve closed its end
			} else {
				b := get(h, "accept the queued connection", l.Accept())
				defer b.Close()
				expectStream(h, a, b, 0, "ping")
			}
			c := get(h, "connect", tcp.Connect(l.Addr().String()))
			defer c.Close()
			d := get(h, "accept after the cancellation", l.Accept())
			defer d.Close()
			expectStream(h, c, d, 0, "ping")
		}},
		{name: "tcp.Serve/queued-connection", pendable: true, body: func(h *H) {
			// As for ServeFuture, with the handler a coroutine: the task
			// Serve spawned runs it after the cancellation.
			l, err := tcp.Listen("127.0.0.1:0")
			h.must(err, "listen")
			defer l.Close()
			a := get(h, "connect", tcp.Connect(l.Addr().String()))
			defer a.Close()
			cancel(h, tcp.Serve(l, func(co *async.Co, c *tcp.Conn) {
				async.Await(co, aio.Copy(c, c, make([]byte, 64)))
			}), 2)
			if h.pending() {
				expectStream(h, a, a, 0, "ping") // echoed by the handler's task
				h.must(a.CloseWrite(), "CloseWrite")
				expectEOF(h, a) // the handler returned and Serve closed its end
			} else {
				b := get(h, "accept the queued connection", l.Accept())
				defer b.Close()
				expectStream(h, a, b, 0, "ping")
			}
		}},
		{name: "tcp.Conn.Read", pendable: true, body: func(h *H) {
			a, b := tcpPair(h)
			defer a.Close()
			defer b.Close()
			cancel(h, b.Read(make([]byte, 8)), 1)
			expectStream(h, a, b, 0, "ping")
		}},
		{name: "tcp.Conn.Write", pendable: true, body: func(h *H) {
			w, r, filled := filledTCPPair(h)
			defer w.Close()
			defer r.Close()
			cancel(h, w.Write([]byte("lost")), 1)
			expectStream(h, w, r, filled, "ping")
		}},
		{name: "tcp.Conn.WriteAll", pendable: true, body: func(h *H) {
			w, r, filled := filledTCPPair(h)
			defer w.Close()
			defer r.Close()
			cancel(h, w.WriteAll(make([]byte, 1<<20)), 1)
			expectStreamAfterWriteAll(h, w, r, filled, 1<<20, "ping")
		}},
		{name: "tcp.ReadHalf.Read", pendable: true, body: func(h *H) {
			a, b := tcpPair(h)
			defer a.Close()
			rh, wh := b.Split()
			defer wh.Close()
			defer rh.Close()
			cancel(h, rh.Read(make([]byte, 8)), 1)
			expectStream(h, a, rh, 0, "ping")
			expectStream(h, wh, a, 0, "pong")
		}},
		{name: "tcp.WriteHalf.Write", pendable: true, body: func(h *H) {
			w, r, filled := filledTCPPair(h)
			defer r.Close()
			rh, wh := w.Split()
			defer wh.Close()
			defer rh.Close()
			cancel(h, wh.Write([]byte("lost")), 1)
			expectStream(h, wh, r, filled, "ping")
		}},
		{name: "tcp.WriteHalf.WriteAll", pendable: true, body: func(h *H) {
			w, r, filled := filledTCPPair(h)
			defer r.Close()
			rh, wh := w.Split()
			defer wh.Close()
			defer rh.Close()
			cancel(h, wh.WriteAll(make([]byte, 1<<20)), 1)
			expectStreamAfterWriteAll(h, wh, r, filled, 1<<20, "ping")
		}},
		{name: "tcp.WriteHalf.WriteVectored", pendable: true, body: func(h *H) {
			w, r, filled := filledTCPPair(h)
			defer r.Close()
			rh, wh := w.Split()
			defer wh.Close()
			defer rh.Close()
			cancel(h, wh.WriteVectored([][]byte{[]byte("lo"), []byte("st")}), 1)
			expectWrite(h, wh.WriteVectored([][]byte{[]byte("pi"), []byte("ng")}), r, filled, "ping")
		}},
	}
	for _, host := range []string{"127.0.0.1", "localhost"} {
		cs = append(cs, lcase{name: "tcp.Connect/" + host, pendable: true, body: func(h *H) {
			l, queued := fullListener(h)
			defer l.Close()
			_, port, _ := net.SplitHostPort(l.Addr().String())
			cancel(h, tcp.Connect(net.JoinHostPort(host, port)), 0)
			// The listener is intact: it accepts what was queued, and then
			// a new connection.
			for _, c := range queued {
				b := get(h, "accept a queued connection", l.Accept())
				b.Close()
				c.Close()
			}
			a := get(h, "connect after the cancellation", tcp.Connect(l.Addr().String()))
			defer a.Close()
			b := get(h, "accept after the cancellation", l.Accept())
			defer b.Close()
			expectStream(h, a, b, 0, "ping")
		}})
	}
	cs = append(cs, lcase{name: "tcp.Connect/service-name", pendable: true, wakeRace: true, body: func(h *H) {
		// A service name for the port is looked up on a goroutine that the
		// first poll starts: the cancellation must stop it (goleak).
		cancel(h, tcp.Connect("127.0.0.1:http"), 0)
	}})
	return cs
}

// fullListener returns a listener whose accept queue is full, and the
// connections that fill it: a connect to it stays in progress.
func fullListener(h *H) (*tcp.Listener, []*tcp.Conn) {
	l, err := tcp.ListenConfig{Backlog: 1}.Listen("127.0.0.1:0")
	h.must(err, "listen")
	// Linux queues backlog+1 connections, and the kernel completes their
	// handshakes at once, so each connect is ready on its first poll. One
	// that is not would wait for good: fail instead.
	var queued []*tcp.Conn
	for i := 0; i < 2; i++ {
		f := tcp.Connect(l.Addr().String())
		r, ok := f.Poll(h.co.Context())
		if !ok {
			f.Cancel()
			h.fatalf("connect %d to a listener with a backlog of 1 is pending: the queue is full after %d (Linux queues 2)", i, i)
		}
		h.must(r.Err, "connect "+strconv.Itoa(i))
		queued = append(queued, r.Value)
	}
	return l, queued
}
