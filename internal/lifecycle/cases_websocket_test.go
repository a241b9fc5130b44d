package lifecycle

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/oneshot"
	"github.com/asyncgo/async/tcp"
	"github.com/asyncgo/async/timer"
	"github.com/asyncgo/async/websocket"
)

// bigMessage is larger than what loopback sockets hold between a writer
// and a peer that reads nothing (tcp_wmem's 4 MiB at most, and the peer's
// receive window): a write of it is cut short by a full socket.
const bigMessage = 8 << 20

// websocketCases are package websocket's futures. The connection under
// test is a client's, made by Dial; its peer is a raw socket the case
// drives by hand (wsPair), so that each wait is set up in one task with
// nothing else running: reads wait for frames the peer has not sent,
// Ping for a pong, Close for the peer's close frame, and writes for a
// peer that reads nothing. Upgrade runs in the handler of an http1.Server
// on the case's executor, Dial against a listener that never answers.
// After each cancellation the connection must do what the package doc's
// Cancellation section promises.
func websocketCases() []lcase {
	cs := []lcase{
		{name: "websocket.Conn.ReadMessage", pendable: true, body: func(h *H) {
			c, p := wsPair(h)
			defer p.Close()
			defer c.CloseNow()
			cancel(h, c.ReadMessage(), 1)
			sendFrames(h, p, serverFrame(0x81, "hello"))
			expectMessage(h, c, "hello")
		}},
		{name: "websocket.Conn.ReadMessage/first-fragment", pendable: true, body: func(h *H) {
			// Polled, the read takes the first fragment in and waits for
			// the second; what it read stays for the next read.
			c, p := wsPair(h)
			defer p.Close()
			defer c.CloseNow()
			sendFrames(h, p, serverFrame(0x01, "hel"))
			cancel(h, c.ReadMessage(), 1)
			sendFrames(h, p, serverFrame(0x80, "lo"))
			expectMessage(h, c, "hello")
		}},
		{name: "websocket.Conn.NextReader", pendable: true, body: func(h *H) {
			c, p := wsPair(h)
			defer p.Close()
			defer c.CloseNow()
			cancel(h, c.NextReader(), 1)
			sendFrames(h, p, serverFrame(0x81, "hello"))
			mr := within(h, "NextReader after the cancellation", c.NextReader())
			if got := readRest(h, mr); got != "hello" {
				h.errorf("the message read %q, want hello", got)
			}
		}},
		{name: "websocket.MessageReader.Read", pendable: true, body: func(h *H) {
			// The read waits for the message's second frame.
			c, p := wsPair(h)
			defer p.Close()
			defer c.CloseNow()
			sendFrames(h, p, serverFrame(0x01, "hel"))
			mr := within(h, "NextReader", c.NextReader())
			first := readSome(h, mr, 3)
			cancel(h, mr.Read(make([]byte, 8)), 1)
			sendFrames(h, p, serverFrame(0x80, "lo"))
			if got := first + readRest(h, mr); got != "hello" {
				h.errorf("the message read %q, want hello", got)
			}
			sendFrames(h, p, serverFrame(0x81, "next"))
			expectMessage(h, c, "next")
		}},
		{name: "websocket.Conn.Ping", pendable: true, body: func(h *H) {
			// Polled, the ping goes out and Ping waits for a pong that
			// nobody reads; the peer answers only after the cancellation.
			c, p := wsPair(h)
			defer p.Close()
			defer c.CloseNow()
			cancel(h, c.Ping([]byte("lost")), 1)
			if h.pending() {
				expectFrame(h, p, 0x89, "lost")
			}
			// The late pong is ignored, and the connection reads on.
			sendFrames(h, p, serverFrame(0x8a, "lost"), serverFrame(0x81, "after"))
			expectMessage(h, c, "after")
			// A new Ping gets its pong, read by the read in flight.
			res := bounded(h, "Ping beside a read", async.Join3(c.Ping([]byte("again")), answerPing(p, "again"), c.ReadMessage()))
			h.must(res.V1, "Ping after the cancellation")
			h.must(res.V2, "peer")
			if m, err := res.V3.Get(); err != nil || string(m.Data) != "end" {
				h.errorf("read beside the Ping: %q, %v; want end", m.Data, err)
			}
		}},
		{name: "websocket.Conn.Close", pendable: true, body: func(h *H) {
			// Polled, the close frame goes out and Close reads, waiting
			// for the peer's, which does not come.
			c, p := wsPair(h)
			defer p.Close()
			defer c.CloseNow()
			cancel(h, c.Close(websocket.StatusNormalClosure, "bye"), 1)
			if !h.pending() {
				// Nothing was sent: the connection goes on.
				expectWritten(h, c, p, "after")
				h.must(c.CloseNow(), "CloseNow")
				expectEOF(h, p)
				return
			}
			expectFrame(h, p, 0x88, "\x03\xe8bye") // the close frame stays sent
			if err := bounded(h, "write after the close frame", c.WriteMessage(websocket.Text, []byte("late"))); err == nil {
				h.errorf("a write after the close frame succeeded")
			}
			// The peer does not answer: CloseNow ends the connection.
			h.must(c.CloseNow(), "CloseNow")
			expectEOF(h, p)
			if _, err := bounded(h, "read after CloseNow", c.ReadMessage()).Get(); !errors.Is(err, websocket.ErrClosed) {
				h.errorf("read after CloseNow: %v, want ErrClosed", err)
			}
		}},
		{name: "websocket.Conn.WriteMessage", pendable: true, body: func(h *H) {
			// Polled, the write sends what the sockets take and waits
			// for a peer that reads nothing.
			c, p := wsPair(h)
			defer p.Close()
			defer c.CloseNow()
			cancel(h, c.WriteMessage(websocket.Binary, make([]byte, bigMessage)), 1)
			if !h.pending() {
				expectWritten(h, c, p, "after") // no byte of it went out
				return
			}
			expectCut(h, p, c.WriteMessage(websocket.Text, []byte("after")))
		}},
		{name: "websocket.MessageWriter.Write", pendable: true, body: func(h *H) {
			c, p := wsPair(h)
			defer p.Close()
			defer c.CloseNow()
			mw := c.NextWriter(websocket.Binary)
			cancel(h, mw.Write(make([]byte, bigMessage)), 1)
			if !h.pending() {
				// No frame went out: the message goes on.
				within(h, "Write after the cancellation", mw.Write([]byte("after")))
				h.must(bounded(h, "MessageWriter.Close", mw.Close()), "MessageWriter.Close")
				expectFrame(h, p, 0x02, "after")
				expectFrame(h, p, 0x80, "")
				return
			}
			expectCut(h, p, async.Map(mw.Write([]byte("after")), func(r async.Result[int]) error { return r.Err }))
		}},
		{name: "websocket.Upgrader.Upgrade", pendable: true, body: upgradeCase},
	}
	type dialFunc = func(url string) async.Future[async.Result[*websocket.Conn]]
	for _, d := range []struct {
		name   string
		dialer func() dialFunc
	}{
		// One connection per host: a cancelled Dial that kept its place
		// in the Client's pool would hold the next one up.
		{"websocket.Dialer.Dial", func() dialFunc { return (&websocket.Dialer{Client: &http1.Client{MaxPerHost: 1}}).Dial }},
		{"websocket.Dial", func() dialFunc { return websocket.Dial }},
	} {
		cs = append(cs, lcase{name: d.name, pendable: true, body: func(h *H) {
			// The listener's queue completes the TCP handshake; nobody
			// answers the WebSocket one until the case does.
			l, err := tcp.Listen("127.0.0.1:0")
			h.must(err, "listen")
			defer l.Close()
			url := "ws://" + l.Addr().String()
			dial := d.dialer()
			cancel(h, dial(url+"/lost"), 0)
			c, p := wsHandshake(h, l, dial(url+"/again"), "/again")
			defer p.Close()
			defer c.CloseNow()
			sendFrames(h, p, serverFrame(0x81, "hello"))
			expectMessage(h, c, "hello")
		}})
	}
	return cs
}

// upgradeCase cancels an Upgrade in the handler of a request held open:
// polled, it waits to send its 101 on a socket filled beforehand. The
// client then takes the filler, so that a waker left on the socket would
// be called; the server lives on and upgrades a new connection.
func upgradeCase(h *H) {
	u := &websocket.Upgrader{}
	heldTx, heldRx := oneshot.New[heldRequest]()
	releaseTx, releaseRx := oneshot.New[struct{}]()
	s := startServer(h, http1.HandlerFunc(func(w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
		if string(r.Path()) != "/hold" {
			return echoHandler(u, w, r)
		}
		return async.Do(func(co *async.Co) {
			heldTx.Send(heldRequest{w, r})
			async.Await(co, releaseRx)
		})
	}))
	cl := within(h, "connect", tcp.Connect(s.addr))
	defer cl.Close()
	within(h, "send the upgrade request", cl.WriteAll([]byte(upgradeRequest(s.addr, "/hold"))))
	held := within(h, "the held request", async.Future[async.Result[heldRequest]](heldRx))
	filled := 0
	if h.pending() {
		filled = fillServerSocket(h, held.r)
	}
	cancel(h, u.Upgrade(held.w, held.r), 0)
	if filled > 0 {
		discard(h, cl, filled)
		turn(h)
	}
	h.must(releaseTx.Send(struct{}{}), "release the handler")
	// The handler returned without a connection: whatever the server
	// answers, it is not the 101 of the Upgrade given up, after which the
	// client would speak WebSocket to a server that reads HTTP.
	if head := within(h, "the answer to the held request", readAnswer(cl)); strings.HasPrefix(head, "HTTP/1.1 101") {
		h.errorf("after the cancelled Upgrade, the server answered the request with %q", head)
	}
	cl.Close()
	c := within(h, "dial after the cancellation", websocket.Dial("ws://"+s.addr+"/echo"))
	h.must(bounded(h, "write", c.WriteMessage(websocket.Text, []byte("ping"))), "write")
	expectMessage(h, c, "ping")
	c.CloseNow()
	s.stop(h)
}

// heldRequest is a request whose handler waits while the case uses it.
type heldRequest struct {
	w *http1.ResponseWriter
	r *http1.Request
}

// echoHandler upgrades r and echoes messages until the connection ends.
func echoHandler(u *websocket.Upgrader, w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
	return async.Do(func(co *async.Co) {
		c, err := async.Get(co, u.Upgrade(w, r))
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			m, err := async.Get(co, c.ReadMessage())
			if err != nil {
				return
			}
			if err := async.Await(co, c.WriteMessage(m.Type, m.Data)); err != nil {
				return
			}
		}
	})
}

// wsServer is an http1.Server serving on a task of the case's executor.
type wsServer struct {
	srv     *http1.Server
	addr    string
	serving async.JoinHandle[error]
}

func startServer(h *H, handler http1.Handler) *wsServer {
	l, err := tcp.Listen("127.0.0.1:0")
	h.must(err, "listen")
	srv := &http1.Server{Handler: handler, ErrorLog: func(err error) { h.t.Logf("server: %v", err) }}
	return &wsServer{srv: srv, addr: l.Addr().String(), serving: async.Spawn(h.co.Context(), srv.Serve(l))}
}

// stop shuts the server down and waits for its connections' tasks and its
// accept loop to end, so that the case ends with none of them left.
func (s *wsServer) stop(h *H) {
	if err := await(h, s.srv.Shutdown(10*time.Second)); err != nil {
		h.errorf("shutdown: %v", err)
	}
	r := bounded(h, "the end of Serve", async.Future[async.Result[error]](s.serving))
	if r.Err != nil || !errors.Is(r.Value, http1.ErrServerClosed) {
		h.errorf("serve: %v, %v; want ErrServerClosed", r.Err, r.Value)
	}
}

// wsPair returns a client connection made by Dial and its peer: the raw
// server end, which has answered the handshake and nothing more.
func wsPair(h *H) (*websocket.Conn, *tcp.Conn) {
	l, err := tcp.Listen("127.0.0.1:0")
	h.must(err, "listen")
	defer l.Close()
	return wsHandshake(h, l, websocket.Dial("ws://"+l.Addr().String()+"/ws"), "/ws")
}

// wsHandshake awaits dial while it answers, on l, the handshake of the
// first connection that asks for path; connections that ask for another
// or end first (a cancelled Dial's) are closed.
func wsHandshake(h *H, l *tcp.Listener, dial async.Future[async.Result[*websocket.Conn]], path string) (*websocket.Conn, *tcp.Conn) {
	res := bounded(h, "handshake", async.Join2(dial, acceptUpgrade(l, path)))
	c, cerr := res.V1.Get()
	p, perr := res.V2.Get()
	if err := errors.Join(cerr, perr); err != nil {
		if c != nil {
			c.CloseNow()
		}
		if p != nil {
			p.Close()
		}
		h.fatalf("handshake: %v", err)
	}
	return c, p
}

// acceptUpgrade accepts connections on l until one asks for path, and
// answers it with a 101. On failure it closes the connection, so that the
// Dial it serves fails too instead of waiting.
func acceptUpgrade(l *tcp.Listener, path string) async.Future[async.Result[*tcp.Conn]] {
	return async.Go(func(co *async.Co) async.Result[*tcp.Conn] {
		for {
			p, err := async.Get(co, l.Accept())
			if err != nil {
				return async.Err[*tcp.Conn](err)
			}
			head, err := readHead(co, p)
			if err != nil || !strings.HasPrefix(head, "GET "+path+" ") {
				p.Close()
				continue
			}
			key := fieldValue(head, "Sec-WebSocket-Key")
			answer := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
				"Sec-WebSocket-Accept: " + acceptKey(key) + "\r\n\r\n"
			if _, err := async.Get(co, p.WriteAll([]byte(answer))); err != nil {
				p.Close()
				return async.Err[*tcp.Conn](err)
			}
			return async.Ok(p)
		}
	})
}

// readAnswer reads the head of the server's answer from cl, or what
// came before the connection ended.
func readAnswer(cl *tcp.Conn) async.Future[async.Result[string]] {
	return async.Go(func(co *async.Co) async.Result[string] {
		var got []byte
		buf := make([]byte, 1024)
		for !bytes.Contains(got, []byte("\r\n\r\n")) {
			n, err := async.Get(co, cl.Read(buf))
			got = append(got, buf[:n]...)
			if err != nil {
				break // closed, or reset: the answer is what came
			}
		}
		return async.Ok(string(got))
	})
}

// readHead reads an HTTP head from p, and nothing past it: the client
// sends nothing more before the answer.
func readHead(co *async.Co, p *tcp.Conn) (string, error) {
	var head []byte
	buf := make([]byte, 1024)
	for !bytes.Contains(head, []byte("\r\n\r\n")) {
		if len(head) > 8<<10 {
			return "", errors.New("request head over 8 KiB")
		}
		n, err := async.Get(co, p.Read(buf))
		if err != nil {
			return "", err
		}
		head = append(head, buf[:n]...)
	}
	return string(head), nil
}

// fieldValue returns the value of the field name in head, or "".
func fieldValue(head, name string) string {
	for _, line := range strings.Split(head, "\r\n") {
		n, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(n, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// acceptKey is the Sec-WebSocket-Accept of key (RFC 6455 section 4.2.2).
func acceptKey(key string) string {
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// upgradeRequest is a client's handshake for path on host.
func upgradeRequest(host, path string) string {
	return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
}

// serverFrame is a frame as a server sends it: first byte b0 (FIN bit and
// opcode), unmasked, with a payload of under 126 bytes.
func serverFrame(b0 byte, payload string) []byte {
	return append([]byte{b0, byte(len(payload))}, payload...)
}

// sendFrames writes frames to the connection's peer p, and lets the
// reactor turn before the connection reads them: a waker that a cancelled
// read left on the socket is called then (see turn).
func sendFrames(h *H, p *tcp.Conn, frames ...[]byte) {
	h.t.Helper()
	within(h, "peer's write", p.WriteAll(bytes.Join(frames, nil)))
	turn(h)
}

// rawFrame is a frame as the peer read it: its first byte (FIN bit and
// opcode) and its payload, unmasked.
type rawFrame struct {
	b0      byte
	payload []byte
}

// readFrame reads a frame from a client, which masks it.
func readFrame(p *tcp.Conn) async.Future[async.Result[rawFrame]] {
	return async.Go(func(co *async.Co) async.Result[rawFrame] {
		f, err := readFrameIn(co, p)
		return async.Result[rawFrame]{Value: f, Err: err}
	})
}

func readFrameIn(co *async.Co, p *tcp.Conn) (rawFrame, error) {
	var hdr [14]byte
	if _, err := async.Get(co, aio.ReadFull(p, hdr[:2])); err != nil {
		return rawFrame{}, fmt.Errorf("frame header: %w", err)
	}
	if hdr[1]&0x80 == 0 {
		return rawFrame{}, errors.New("unmasked frame from the client")
	}
	n, ext := int(hdr[1]&0x7f), 0
	switch n {
	case 126:
		ext = 2
	case 127:
		return rawFrame{}, errors.New("frame of 64 KiB or more: longer than this peer reads")
	}
	if _, err := async.Get(co, aio.ReadFull(p, hdr[2:6+ext])); err != nil {
		return rawFrame{}, fmt.Errorf("frame header: %w", err)
	}
	if ext == 2 {
		n = int(hdr[2])<<8 | int(hdr[3])
	}
	payload := make([]byte, n)
	if n > 0 {
		if _, err := async.Get(co, aio.ReadFull(p, payload)); err != nil {
			return rawFrame{}, fmt.Errorf("frame payload: %w", err)
		}
	}
	key := hdr[2+ext : 6+ext]
	for i := range payload {
		payload[i] ^= key[i%4]
	}
	return rawFrame{hdr[0], payload}, nil
}

// expectFrame checks that the next frame p reads has first byte b0 and
// the payload want.
func expectFrame(h *H, p *tcp.Conn, b0 byte, want string) {
	h.t.Helper()
	f := within(h, "peer's read", readFrame(p))
	if f.b0 != b0 || string(f.payload) != want {
		h.errorf("peer read a frame %#x %q, want %#x %q", f.b0, f.payload, b0, want)
	}
}

// expectMessage checks that the next message c reads is want.
func expectMessage(h *H, c *websocket.Conn, want string) {
	h.t.Helper()
	m := within(h, "ReadMessage", c.ReadMessage())
	if string(m.Data) != want {
		h.errorf("read %v message %q, want %q", m.Type, m.Data, want)
	}
}

// expectWritten writes msg on c and checks that the peer reads it as one
// text frame: nothing went out before it.
func expectWritten(h *H, c *websocket.Conn, p *tcp.Conn, msg string) {
	h.t.Helper()
	h.must(bounded(h, "WriteMessage", c.WriteMessage(websocket.Text, []byte(msg))), "WriteMessage")
	expectFrame(h, p, 0x81, msg)
}

// expectCut checks a connection that a cancelled write cut mid-frame:
// write, another write, fails, and the peer reads part of a frame and
// then the end of the stream.
func expectCut(h *H, p *tcp.Conn, write async.Future[error]) {
	h.t.Helper()
	if err := bounded(h, "write after the cancelled one", write); err == nil {
		h.errorf("a write after the cancelled one succeeded, on a connection with half a frame on the wire")
	}
	n := discard(h, p, -1)
	if n == 0 || n >= bigMessage {
		h.errorf("peer read %d bytes before the end of the stream, want part of a frame of %d", n, bigMessage)
	}
}

// answerPing is the peer's side of a Ping: it reads the ping, checks
// its payload, and answers with the pong and then a text message "end".
func answerPing(p *tcp.Conn, data string) async.Future[error] {
	return async.Go(func(co *async.Co) error {
		f, err := readFrameIn(co, p)
		if err != nil {
			return err
		}
		b0, payload := f.b0, f.payload
		if b0 != 0x89 {
			return fmt.Errorf("peer read a frame %#x %q, want a ping", b0, payload)
		}
		// The pong echoes the ping as it came, so that the exchange ends
		// even if the payload is wrong; that is reported after it.
		msg := bytes.Join([][]byte{serverFrame(0x8a, string(payload)), serverFrame(0x81, "end")}, nil)
		if _, err = async.Get(co, p.WriteAll(msg)); err != nil {
			return err
		}
		if string(payload) != data {
			return fmt.Errorf("peer read a ping %q, want %q", payload, data)
		}
		return nil
	})
}

// readSome reads from mr until it has n bytes.
func readSome(h *H, mr *websocket.MessageReader, n int) string {
	var got []byte
	buf := make([]byte, n)
	for len(got) < n {
		k := within(h, "MessageReader.Read", mr.Read(buf[:n-len(got)]))
		got = append(got, buf[:k]...)
	}
	return string(got)
}

// readRest reads mr to its end.
func readRest(h *H, mr *websocket.MessageReader) string {
	var got []byte
	buf := make([]byte, 64)
	for {
		n, err := bounded(h, "MessageReader.Read", mr.Read(buf)).Get()
		got = append(got, buf[:n]...)
		if err == io.EOF {
			return string(got)
		}
		h.must(err, "MessageReader.Read")
	}
}

// discard reads from r and throws the bytes away: n of them, or with n
// negative up to the end of the stream. It returns how many it read.
func discard(h *H, r aio.Reader, n int) int {
	buf := make([]byte, 64<<10)
	total := 0
	for n < 0 || total < n {
		b := buf
		if n >= 0 {
			b = buf[:min(len(buf), n-total)]
		}
		k, err := bounded(h, "read", r.Read(b)).Get()
		total += k
		if err == io.EOF && n < 0 {
			return total
		}
		h.must(err, "read")
	}
	return total
}

// patience bounds each wait of a case after the cancellation: a wait
// that a bug made endless ends the case rather than the test binary.
const patience = 20 * time.Second

// bounded awaits f within patience.
func bounded[T any](h *H, what string, f async.Future[T]) T {
	r := await(h, timer.TimeoutValue(f, patience))
	h.must(r.Err, what)
	return r.Value
}

// within awaits f, which can fail, within patience.
func within[T any](h *H, what string, f async.Future[async.Result[T]]) T {
	r := await(h, timer.Timeout(f, patience))
	h.must(r.Err, what)
	return r.Value
}

// turn waits a moment, so that the reactor turns and calls the wakers of
// the sockets that became ready: a waker left behind by a cancelled
// future is called then, and the case's end reports it.
func turn(h *H) { await(h, timer.Sleep(time.Millisecond)) }

// fillServerSocket fills the send buffer of the server's socket of r, by
// writing to it directly, and returns how many bytes that took: the
// server's next write waits until the client reads them. The socket is
// found among the process's descriptors by its two addresses.
func fillServerSocket(h *H, r *http1.Request) int {
	fd := socketFD(h, r.LocalAddr(), r.RemoteAddr())
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	h.must(err, "dup")
	f := os.NewFile(uintptr(dup), "server socket")
	defer f.Close()
	return fillRaw(h, f)
}

// socketFD returns the descriptor of the process's TCP socket bound to
// local and connected to peer.
func socketFD(h *H, local, peer net.Addr) int {
	ents, err := os.ReadDir("/dev/fd")
	h.must(err, "list descriptors")
	for _, e := range ents {
		fd, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		la, err := unix.Getsockname(fd)
		if err != nil || !sameAddr(la, local) {
			continue
		}
		if pa, err := unix.Getpeername(fd); err == nil && sameAddr(pa, peer) {
			return fd
		}
	}
	h.fatalf("no socket %v -> %v among the process's descriptors", local, peer)
	return -1
}

func sameAddr(sa unix.Sockaddr, a net.Addr) bool {
	in, ok := sa.(*unix.SockaddrInet4)
	ta, ok2 := a.(*net.TCPAddr)
	return ok && ok2 && in.Port == ta.Port && net.IP(in.Addr[:]).Equal(ta.IP)
}
