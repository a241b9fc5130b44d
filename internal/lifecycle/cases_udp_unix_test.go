package lifecycle

import (
	"net"
	"net/netip"
	"strconv"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/udp"
	"github.com/asyncgo/async/unixsock"
)

// udpPair returns two UDP sockets on the loopback and b's address.
func udpPair(h *H) (a, b *udp.Conn, bAddr netip.AddrPort) {
	a, err := udp.Bind("127.0.0.1:0")
	h.must(err, "bind")
	b, err = udp.Bind("127.0.0.1:0")
	h.must(err, "bind")
	return a, b, b.LocalAddr().(*net.UDPAddr).AddrPort()
}

// expectDatagram sends msg with send and checks that recv's next
// datagram is msg.
func expectDatagram(h *H, send async.Future[async.Result[int]], recv async.Future[async.Result[udp.Datagram]], msg string, buf []byte) {
	h.t.Helper()
	n := get(h, "send", send)
	if n != len(msg) {
		h.errorf("sent %d bytes, want %d", n, len(msg))
	}
	d := get(h, "receive", recv)
	if got := string(buf[:d.N]); got != msg {
		h.errorf("received %q, want %q", got, msg)
	}
}

// udpCases are package udp's futures. A receive waits on an empty socket;
// a send never waits on the loopback (a datagram that finds the receiver
// full is dropped, not held), so sends are cancelled unpolled only.
func udpCases() []lcase {
	return []lcase{
		{name: "udp.Conn.RecvFrom", pendable: true, body: func(h *H) {
			a, b, bAddr := udpPair(h)
			defer a.Close()
			defer b.Close()
			buf := make([]byte, 16)
			cancel(h, b.RecvFrom(buf), 1)
			expectDatagram(h, a.SendTo([]byte("ping"), bAddr), b.RecvFrom(buf), "ping", buf)
		}},
		{name: "udp.Conn.SendTo", body: func(h *H) {
			a, b, bAddr := udpPair(h)
			defer a.Close()
			defer b.Close()
			buf := make([]byte, 16)
			cancel(h, a.SendTo([]byte("lost"), bAddr), 0)
			// Nothing was sent: the next datagram is the next send's.
			expectDatagram(h, a.SendTo([]byte("ping"), bAddr), b.RecvFrom(buf), "ping", buf)
		}},
		{name: "udp.Conn.Recv", pendable: true, body: func(h *H) {
			a, b, bAddr := udpPair(h)
			defer a.Close()
			defer b.Close()
			c, err := udp.Dial(bAddr.String())
			h.must(err, "dial")
			defer c.Close()
			buf := make([]byte, 16)
			cancel(h, c.Recv(buf), 1)
			cAddr := c.LocalAddr().(*net.UDPAddr).AddrPort()
			expectDatagram(h, b.SendTo([]byte("ping"), cAddr), c.Recv(buf), "ping", buf)
		}},
		{name: "udp.Conn.Send", body: func(h *H) {
			a, b, bAddr := udpPair(h)
			defer a.Close()
			defer b.Close()
			c, err := udp.Dial(bAddr.String())
			h.must(err, "dial")
			defer c.Close()
			buf := make([]byte, 16)
			cancel(h, c.Send([]byte("lost")), 0)
			expectDatagram(h, c.Send([]byte("ping")), b.RecvFrom(buf), "ping", buf)
		}},
	}
}

// unixPair is a Unix stream pair made with Listen, Connect and Accept.
func unixPair(h *H) (a, b *unixsock.Conn) {
	l, err := unixsock.Listen(sockPath(h, "s"))
	h.must(err, "listen")
	defer l.Close()
	a = get(h, "connect", unixsock.Connect(l.Addr().String()))
	b = get(h, "accept", l.Accept())
	return a, b
}

// expectPacket sends msg with send and checks that recv's next datagram
// is msg.
func expectPacket(h *H, send async.Future[async.Result[int]], recv async.Future[async.Result[unixsock.Datagram]], msg string, buf []byte) {
	h.t.Helper()
	n := get(h, "send", send)
	if n != len(msg) {
		h.errorf("sent %d bytes, want %d", n, len(msg))
	}
	d := get(h, "receive", recv)
	if got := string(buf[:d.N]); got != msg {
		h.errorf("received %q, want %q", got, msg)
	}
}

// unixCases are package unixsock's futures. A Unix connect is decided at
// its first poll (it waits only for a listener whose accept queue is full,
// and filling that takes a thousand descriptors), so Connect is cancelled
// unpolled only; a datagram send waits when the receiver's queue is full.
func unixCases() []lcase {
	return []lcase{
		{name: "unixsock.Connect", body: func(h *H) {
			l, err := unixsock.Listen(sockPath(h, "s"))
			h.must(err, "listen")
			defer l.Close()
			cancel(h, unixsock.Connect(l.Addr().String()), 0)
			a := get(h, "connect after the cancellation", unixsock.Connect(l.Addr().String()))
			defer a.Close()
			b := get(h, "accept", l.Accept())
			defer b.Close()
			expectStream(h, a, b, 0, "ping")
		}},
		{name: "unixsock.Listener.Accept", pendable: true, body: func(h *H) {
			l, err := unixsock.Listen(sockPath(h, "s"))
			h.must(err, "listen")
			defer l.Close()
			cancel(h, l.Accept(), 1)
			a := get(h, "connect", unixsock.Connect(l.Addr().String()))
			defer a.Close()
			b := get(h, "accept after the cancellation", l.Accept())
			defer b.Close()
			expectStream(h, a, b, 0, "ping")
		}},
		{name: "unixsock.Conn.Read", pendable: true, body: func(h *H) {
			a, b := unixPair(h)
			defer a.Close()
			defer b.Close()
			cancel(h, b.Read(make([]byte, 8)), 1)
			expectStream(h, a, b, 0, "ping")
		}},
		{name: "unixsock.Conn.Write", pendable: true, body: func(h *H) {
			w, r, filled := filledUnixPair(h)
			defer w.Close()
			defer r.Close()
			cancel(h, w.Write([]byte("lost")), 1)
			expectStream(h, w, r, filled, "ping")
		}},
		{name: "unixsock.Conn.WriteAll", pendable: true, body: func(h *H) {
			w, r, filled := filledUnixPair(h)
			defer w.Close()
			defer r.Close()
			cancel(h, w.WriteAll(make([]byte, 1<<20)), 1)
			expectStream(h, w, r, filled, "ping")
		}},
		{name: "unixsock.PacketConn.RecvFrom", pendable: true, body: func(h *H) {
			dir := tempDir(h)
			a, err := unixsock.ListenPacket(dir + "/a")
			h.must(err, "listen")
			defer a.Close()
			b, err := unixsock.ListenPacket(dir + "/b")
			h.must(err, "listen")
			defer b.Close()
			buf := make([]byte, 16)
			cancel(h, b.RecvFrom(buf), 1)
			expectPacket(h, a.SendTo([]byte("ping"), dir+"/b"), b.RecvFrom(buf), "ping", buf)
		}},
		{name: "unixsock.PacketConn.SendTo", pendable: true, body: func(h *H) {
			// The receiver's queue is full, so the send waits.
			dir := tempDir(h)
			a, err := unixsock.ListenPacket(dir + "/a")
			h.must(err, "listen")
			defer a.Close()
			b, err := unixsock.ListenPacket(dir + "/b")
			h.must(err, "listen")
			defer b.Close()
			filled := fillDatagrams(h, dir+"/b")
			cancel(h, a.SendTo([]byte("lost"), dir+"/b"), 1)
			buf := make([]byte, 16)
			for i := 0; i < filled; i++ {
				d := get(h, "receive filler "+strconv.Itoa(i), b.RecvFrom(buf))
				if got := string(buf[:d.N]); got != "filler" {
					h.fatalf("datagram %d is %q, want a filler", i, got)
				}
			}
			expectPacket(h, a.SendTo([]byte("ping"), dir+"/b"), b.RecvFrom(buf), "ping", buf)
		}},
		{name: "unixsock.PacketConn.Recv", pendable: true, body: func(h *H) {
			a, b, err := unixsock.PacketPair()
			h.must(err, "PacketPair")
			defer a.Close()
			defer b.Close()
			buf := make([]byte, 16)
			cancel(h, b.Recv(buf), 1)
			expectPacket(h, a.Send([]byte("ping")), b.Recv(buf), "ping", buf)
		}},
		{name: "unixsock.PacketConn.Send", pendable: true, body: func(h *H) {
			// A socket connected to one whose queue is full: Send waits.
			dir := tempDir(h)
			b, err := unixsock.ListenPacket(dir + "/b")
			h.must(err, "listen")
			defer b.Close()
			a, err := unixsock.DialPacket(dir + "/b")
			h.must(err, "dial")
			defer a.Close()
			filled := fillDatagrams(h, dir+"/b")
			cancel(h, a.Send([]byte("lost")), 1)
			buf := make([]byte, 16)
			for i := 0; i < filled; i++ {
				get(h, "receive filler "+strconv.Itoa(i), b.RecvFrom(buf))
			}
			expectPacket(h, a.Send([]byte("ping")), b.RecvFrom(buf), "ping", buf)
		}},
	}
}
