package websocket

import (
	"net"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/oneshot"
	"github.com/asyncgo/async/tcp"
)

// idleReader is the leanest session: a state machine that reads until
// the connection ends, counting the messages it read.
type idleReader struct {
	c    *Conn
	f    async.Future[async.Result[Message]]
	read *atomic.Int64
}

func (r *idleReader) Poll(cx *async.Context) (struct{}, bool) {
	for {
		if r.f == nil {
			r.f = r.c.ReadMessage()
		}
		m, ok := r.f.Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		r.f = nil
		if m.Err != nil {
			r.c.CloseNow()
			return struct{}{}, true
		}
		r.read.Add(1)
	}
}

func (r *idleReader) Cancel() {
	if r.f != nil {
		r.f.Cancel()
	}
	r.c.CloseNow()
}

// rawClient opens a connection with system calls, so that the client
// side holds no Go memory, upgrades it, and sends one message.
func rawClient(t *testing.T, port int) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Connect(fd, &syscall.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		syscall.Close(fd)
		t.Fatal(err)
	}
	head := upgradeHead("GET", "HTTP/1.1", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: "+goodKey)
	syscall.Write(fd, []byte(head))
	var buf [512]byte
	n, err := syscall.Read(fd, buf[:])
	if err != nil || !strings.HasPrefix(string(buf[:max(n, 0)]), "HTTP/1.1 101") {
		syscall.Close(fd)
		t.Fatalf("handshake: %q, %v", buf[:max(n, 0)], err)
	}
	syscall.Write(fd, frame(true, 0, opText, []byte("hi"), true))
	return fd
}

// TestIdleConnectionMemory holds idle WebSocket connections on a server
// of Upgrader.Handler and a state-machine session, and measures the Go
// heap they hold: the connection, its socket and registration, its task,
// and http1's connection state, which lets go of the request once
// upgraded. The figure is logged; the bound only catches a connection
// that keeps a buffer or the request's state (4 KiB and more).
func TestIdleConnectionMemory(t *testing.T) {
	const conns = 2000
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		u := &Upgrader{}
		l, err := tcp.Listen("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		var read atomic.Int64
		srv := &http1.Server{Handler: u.Handler(func(c *Conn) async.Future[struct{}] {
			return &idleReader{c: c, read: &read}
		})}
		stop, stopped := oneshot.New[struct{}]()
		done := make(chan struct{})
		go func() {
			defer close(done)
			executor.Run(async.Go(func(co *async.Co) error {
				serving := async.Spawn(co.Context(), srv.Serve(l))
				async.Await(co, stopped)
				async.Await(co, srv.Shutdown(0))
				async.Await(co, serving)
				return nil
			}), x.Options...)
		}()
		fds := make([]int, 0, conns)
		defer func() {
			for _, fd := range fds {
				syscall.Close(fd)
			}
			stop.Send(struct{}{})
			<-done
		}()
		// One connection first, so that the pools and the reactor's
		// tables are not counted.
		fds = append(fds, rawClient(t, port))
		waitFor(t, func() bool { return read.Load() == 1 })
		before := heapInUse()
		for range conns {
			fds = append(fds, rawClient(t, port))
		}
		waitFor(t, func() bool { return read.Load() == conns+1 })
		perConn := (int64(heapInUse()) - int64(before)) / conns
		t.Logf("%d idle connections: %d bytes of heap each", conns, perConn)
		if perConn > 2048 {
			t.Errorf("an idle connection holds %d bytes of heap, over 2 KiB", perConn)
		}
	})
}

func heapInUse() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// waitFor waits, within a generous bound, until cond holds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
