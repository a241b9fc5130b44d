package lifecycle

import (
	"bytes"
	"errors"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/tcp"
	"github.com/asyncgo/async/unixsock"
)

// tcpPair returns both ends of a new loopback connection, made with the
// package's own futures: a is registered with the reactor (its Connect
// waited on it), b is not yet.
func tcpPair(h *H) (a, b *tcp.Conn) {
	l, err := tcp.Listen("127.0.0.1:0")
	h.must(err, "listen")
	defer l.Close()
	a = get(h, "connect", tcp.Connect(l.Addr().String()))
	b = get(h, "accept", l.Accept())
	return a, b
}

// filledTCPPair returns a loopback connection whose w end cannot take
// another byte: its send buffer and the peer's receive buffer are full,
// so a write of w waits. It returns how many bytes fill the pipe. The
// connection is made with the net package and taken over with
// tcp.FromConn, so that it can be filled with raw writes and no future of
// the package under test is left pending by the filling.
func filledTCPPair(h *H) (w, r *tcp.Conn, filled int) {
	nl, err := net.Listen("tcp", "127.0.0.1:0")
	h.must(err, "net.Listen")
	defer nl.Close()
	nw, err := net.Dial("tcp", nl.Addr().String())
	h.must(err, "net.Dial")
	defer nw.Close()
	nr, err := nl.Accept()
	h.must(err, "net.Accept")
	defer nr.Close()
	w, err = tcp.FromConn(nw)
	h.must(err, "tcp.FromConn")
	r, err = tcp.FromConn(nr)
	h.must(err, "tcp.FromConn")
	return w, r, fillRaw(h, nw.(syscall.Conn))
}

// fillRaw writes to the socket of c until the kernel says EAGAIN, without
// going through any poller, and returns how many bytes it wrote. Loopback
// moves queued bytes to the peer's receive buffer after the write returns,
// later still on a busy machine, so it fills again after a pause until a
// round adds nothing (or, at worst, a few rounds did not settle it).
func fillRaw(h *H, c syscall.Conn) (filled int) {
	rc, err := c.SyscallConn()
	h.must(err, "SyscallConn")
	chunk := make([]byte, 16<<10)
	var werr error
	for round := 0; round < 20; round++ {
		before := filled
		h.must(rc.Control(func(fd uintptr) { filled, werr = fillFD(int(fd), chunk, filled) }), "Control")
		h.must(werr, "fill")
		if round > 0 && filled == before {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if filled == 0 {
		h.fatalf("fill: nothing written")
	}
	return filled
}

// fillFD writes chunk to fd until EAGAIN and returns filled plus what it
// wrote, and any other error.
func fillFD(fd int, chunk []byte, filled int) (int, error) {
	for {
		n, err := unix.Write(fd, chunk)
		if n > 0 {
			filled += n
		}
		if err == unix.EAGAIN {
			return filled, nil
		}
		if err != nil {
			return filled, err
		}
	}
}

// filledUnixPair is filledTCPPair for a Unix stream pair.
func filledUnixPair(h *H) (w, r *unixsock.Conn, filled int) {
	w, r, err := unixsock.Pair()
	h.must(err, "unixsock.Pair")
	f, err := w.File()
	h.must(err, "File")
	defer f.Close()
	return w, r, fillRaw(h, f)
}

// tempDir makes a short directory for socket files (a path in sun_path
// has about 100 bytes, which t.TempDir's names can exceed) and removes it
// when the test ends.
func tempDir(h *H) string {
	dir, err := os.MkdirTemp("", "lc")
	h.must(err, "MkdirTemp")
	h.t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func sockPath(h *H, name string) string { return filepath.Join(tempDir(h), name) }

// fillDatagrams sends datagrams to the socket bound at path from a raw
// unnamed socket until its queue is full, and returns how many it took.
func fillDatagrams(h *H, path string) int {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM, 0) // SOCK_NONBLOCK is Linux's
	h.must(err, "socket")
	defer unix.Close(fd)
	unix.CloseOnExec(fd)
	h.must(unix.SetNonblock(fd, true), "set non-blocking")
	n := 0
	for {
		err := unix.Sendto(fd, []byte("filler"), 0, &unix.SockaddrUnix{Name: path})
		if err == unix.EAGAIN {
			break
		}
		h.must(err, "sendto")
		n++
		if n > 1<<16 {
			h.fatalf("the receiver's queue never filled")
		}
	}
	if n == 0 {
		h.fatalf("fill: nothing sent")
	}
	return n
}

// expectStream writes msg to w while it reads r, and checks that r gives
// skip bytes (what was queued before) and then msg: the stream both ends
// were used through still works, and a cancelled write sent nothing.
func expectStream(h *H, w aio.Writer, r aio.Reader, skip int, msg string) {
	h.t.Helper()
	expectWrite(h, aio.WriteAll(w, []byte(msg)), r, skip, msg)
}

// expectWrite is expectStream with the write given as a future that
// writes msg.
func expectWrite(h *H, write async.Future[async.Result[int]], r aio.Reader, skip int, msg string) {
	h.t.Helper()
	expectWriteAfter(h, write, r, skip, 0, msg)
}

// expectStreamAfterWriteAll is expectStream after a cancelled WriteAll of
// up to sent bytes: a WriteAll may write part of its buffer before it
// waits, and those bytes stay in the stream; nothing else may.
func expectStreamAfterWriteAll(h *H, w aio.Writer, r aio.Reader, skip, sent int, msg string) {
	h.t.Helper()
	expectWriteAfter(h, aio.WriteAll(w, []byte(msg)), r, skip, sent, msg)
}

// expectWriteAfter checks that r gives skip bytes, then at most lost
// bytes of a cancelled write, then msg, which write writes.
func expectWriteAfter(h *H, write async.Future[async.Result[int]], r aio.Reader, skip, lost int, msg string) {
	h.t.Helper()
	want := skip + len(msg)
	reader := async.Go(func(co *async.Co) error {
		buf := make([]byte, 64<<10)
		total := 0
		var tail []byte
		for total < want || total <= skip+lost+len(msg) && !bytes.Equal(tail, []byte(msg)) {
			n, err := async.Await(co, r.Read(buf)).Get()
			total += n
			tail = append(tail, buf[:n]...)
			if len(tail) > len(msg) {
				tail = tail[len(tail)-len(msg):]
			}
			if err != nil {
				return errors.Join(errors.New("read"), err)
			}
		}
		if total > skip+lost+len(msg) || !bytes.Equal(tail, []byte(msg)) {
			return errors.New("the stream ends with " + string(tail) + ", not " + msg)
		}
		return nil
	})
	res := await(h, async.Join2(write, reader))
	h.must(res.V1.Err, "write")
	h.must(res.V2, "read")
}

// expectEOF checks that r is at end of stream.
func expectEOF(h *H, r aio.Reader) {
	h.t.Helper()
	n, err := await(h, r.Read(make([]byte, 16))).Get()
	if n != 0 || err == nil {
		h.errorf("read %d bytes, %v; want end of stream", n, err)
	}
}
