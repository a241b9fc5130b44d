package lifecycle

import (
	"bytes"
	"errors"
	"io"
	"sync/atomic"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/book"
	"github.com/asyncgo/async/oneshot"
	"github.com/asyncgo/async/tcp"
)

// miscCases are the futures that are not a package's main business: the
// reusable aio futures armed with Reset, the handle executor.Spawn returns,
// and the HTTP GET of the book's programs (internal/book).
func miscCases() []lcase {
	return []lcase{
		{name: "aio.ReadFullFuture/Reset-after-cancel", pendable: true, body: func(h *H) {
			pr, pw := aio.Pipe(pipeSize)
			var f aio.ReadFullFuture
			buf := make([]byte, 4)
			cancel(h, f.Reset(pr, buf), 0)
			res := await(h, async.Join2(aio.WriteAll(pw, []byte("ping")), f.Reset(pr, buf)))
			h.must(res.V1.Err, "write")
			h.must(res.V2.Err, "ReadFull after Reset")
			if string(buf) != "ping" {
				h.errorf("read %q, want ping", buf)
			}
		}},
		{name: "aio.WriteAllFuture/Reset-after-cancel", pendable: true, body: func(h *H) {
			pr, pw := fullPipe(h)
			var f aio.WriteAllFuture
			cancel(h, f.Reset(pw, []byte("lost")), 0)
			expectWrite(h, f.Reset(pw, []byte("ping")), pr, pipeSize, "ping")
		}},
		{name: "executor.Spawn/JoinHandle", pendable: true, body: func(h *H) {
			// A handle made from outside the executor's tasks, cancelled:
			// the task runs on.
			ex := h.ex
			tx, rx := oneshot.New[int]()
			var ran atomic.Bool
			jh := executor.Spawn(ex, async.Go(func(co *async.Co) int {
				v, _ := async.Await(co, rx).Get()
				ran.Store(true)
				return v
			}))
			cancel(h, async.Future[async.Result[int]](jh), 0)
			h.must(tx.Send(5), "send")
			// On a MultiThread the task may run on the other worker: give
			// it (generous) time there rather than a count of yields.
			deadline := time.Now().Add(10 * time.Second)
			for i := 0; !jh.Finished(); i++ {
				if !h.multi && i > 1000 || h.multi && time.Now().After(deadline) {
					h.fatalf("the task never finished after its handle was cancelled")
				}
				await(h, async.Yield())
			}
			if !ran.Load() {
				h.errorf("the task finished without running to its end")
			}
		}},
		{name: "book.Get", pendable: true, body: func(h *H) {
			// A server that never answers: the GET connects, sends its
			// request and waits for the response. Cancelled, it closes its
			// socket, so the server reads the request (if it was sent) and
			// then end of stream; a new GET to a server that answers works.
			l, err := tcp.Listen("127.0.0.1:0")
			h.must(err, "listen")
			defer l.Close()
			cancel(h, book.Get(l.Addr().String(), "/10/hello"), 0)
			if h.pending() {
				s := get(h, "accept the cancelled GET's connection", l.Accept())
				req := readToEnd(h, s)
				s.Close()
				if !bytes.HasPrefix(req, []byte("GET /10/hello HTTP/1.1\r\n")) {
					h.errorf("the server read %q, want the request and then end of stream", req)
				}
			}
			server := async.Go(func(co *async.Co) error {
				s, err := async.Await(co, l.Accept()).Get()
				if err != nil {
					return err
				}
				defer s.Close()
				buf := make([]byte, 4096)
				var req []byte
				for !bytes.Contains(req, []byte("\r\n\r\n")) {
					n, err := async.Await(co, s.Read(buf)).Get()
					if err != nil {
						return err
					}
					req = append(req, buf[:n]...)
				}
				_, err = async.Await(co, s.WriteAll([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"))).Get()
				return err
			})
			res := await(h, async.Join2(book.Get(l.Addr().String(), "/0/ok"), server))
			h.must(res.V2, "server")
			h.must(res.V1.Err, "GET after the cancellation")
			if resp := res.V1.Value; resp.Status != 200 || string(resp.Body) != "ok" {
				h.errorf("GET: %d %q, want 200 \"ok\"", resp.Status, resp.Body)
			}
		}},
	}
}

// readToEnd reads c until end of stream.
func readToEnd(h *H, c *tcp.Conn) []byte {
	h.t.Helper()
	var got []byte
	buf := make([]byte, 4096)
	for {
		n, err := await(h, c.Read(buf)).Get()
		got = append(got, buf[:n]...)
		if errors.Is(err, io.EOF) {
			return got
		}
		h.must(err, "read")
	}
}
