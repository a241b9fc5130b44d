package tcp_test

import (
	"fmt"
	"io"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/mpsc"
	"github.com/asyncgo/async/tcp"
	"github.com/asyncgo/async/timer"
)

// proxy forwards every connection l accepts to upstream: it connects with
// a 2 s timeout, copies both ways (passing each side's end of stream on
// as a half-close) and logs the bytes each way, or the error, which names
// the address ("dial tcp 127.0.0.1:7404: i/o timeout").
func proxy(l *tcp.Listener, upstream string, logf func(string, ...any)) async.Future[error] {
	return tcp.Serve(l, func(co *async.Co, c *tcp.Conn) {
		up, err := async.Get(co, timer.Timeout(tcp.Connect(upstream), 2*time.Second))
		if err != nil {
			logf("proxy %v: %v", c.RemoteAddr(), err)
			return
		}
		defer up.Close()
		n, err := async.Get(co, aio.CopyBidirectional(c, up, nil, nil))
		logf("proxied %d bytes up, %d down, error %v", n.AToB, n.BToA, err)
	})
}

// A proxy in front of an echo server, and a client that sends through it,
// half-closes and reads the echo back to its end.
func Example_proxy() {
	echo, _ := tcp.Listen("127.0.0.1:0")
	front, _ := tcp.Listen("127.0.0.1:0")
	logs, lines := mpsc.Unbounded[string]()
	logf := func(format string, a ...any) { logs.Send(fmt.Sprintf(format, a...)) }
	reply, err := executor.Run(async.Go(func(co *async.Co) string {
		async.Spawn(co.Context(), tcp.Serve(echo, func(co *async.Co, c *tcp.Conn) {
			async.Await(co, aio.Copy(c, c, nil))
			c.CloseWrite()
		})).Detach()
		async.Spawn(co.Context(), proxy(front, echo.Addr().String(), logf)).Detach()

		c, err := async.Get(co, tcp.Connect(front.Addr().String()))
		if err != nil {
			return err.Error()
		}
		defer c.Close()
		async.Get(co, c.WriteAll([]byte("through the proxy")))
		c.CloseWrite()
		var got []byte
		buf := make([]byte, 64)
		for {
			n, err := async.Get(co, c.Read(buf))
			got = append(got, buf[:n]...)
			if err == io.EOF { // the echo's end of stream, passed on by the proxy
				break
			}
			if err != nil {
				return err.Error()
			}
		}
		line, _ := async.Get(co, lines.Recv()) // the proxy's log, once both ways ended
		return string(got) + "\n" + line
	}))
	fmt.Println(reply, err)
	// Output:
	// through the proxy
	// proxied 17 bytes up, 17 down, error <nil> <nil>
}
