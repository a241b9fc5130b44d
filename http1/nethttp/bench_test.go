package nethttp

import (
	"bytes"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/internal/rttest"
)

var helloBody = []byte("Hello, World!")

// helloNetHTTP is examples/hello's net/http handler.
func helloNetHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "text/plain")
	w.Write(helloBody)
}

// helloNative is the same answer as an http1 handler, for comparison.
func helloNative(w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
	w.Header().Set("Content-Type", "text/plain")
	return w.Send(200, helloBody)
}

// BenchmarkAdapterHello measures keep-alive requests over loopback to
// examples/hello's handler, through the adapter and natively, on the
// current-thread executor. The clients are plain blocking sockets that
// allocate nothing, so the allocations reported are the server's.
// "serial" is one connection, one request at a time: the latency of a
// round trip, with its hand-overs between the loop and the pool.
// "parallel" keeps GOMAXPROCS connections busy, closer to a load test.
func BenchmarkAdapterHello(b *testing.B) {
	for _, h := range []struct {
		name string
		srv  func() *http1.Server
	}{
		{"nethttp", func() *http1.Server { return &http1.Server{Handler: Handler(http.HandlerFunc(helloNetHTTP))} }},
		{"native", func() *http1.Server { return &http1.Server{Handler: http1.HandlerFunc(helloNative)} }},
	} {
		b.Run(h.name+"/serial", func(b *testing.B) {
			ts := startBench(b, h.srv())
			c := dialRaw(b, ts.addr)
			buf := make([]byte, 4096)
			helloRoundTrip(b, c, buf)
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTime()
			for b.Loop() {
				helloRoundTrip(b, c, buf)
			}
			reportCPU(b, cpu)
		})
		b.Run(h.name+"/parallel", func(b *testing.B) {
			ts := startBench(b, h.srv())
			b.ReportAllocs()
			b.SetParallelism(8)
			cpu := cpuTime()
			b.RunParallel(func(pb *testing.PB) {
				c := dialRaw(b, ts.addr)
				buf := make([]byte, 4096)
				for pb.Next() {
					helloRoundTrip(b, c, buf)
				}
			})
			reportCPU(b, cpu)
		})
	}
}

// startBench starts srv, whose Handler is set, on the current-thread
// executor.
func startBench(b *testing.B, srv *http1.Server) *testServer {
	if ad, ok := srv.Handler.(*Adapter); ok {
		return startAdapter(b, rttest.Executors[0], ad, srv)
	}
	return startNative(b, rttest.Executors[0], srv)
}

// cpuTime returns the CPU time the process used so far, user and
// system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per request since start, the client's
// included (a write and a read), which is what the machine's load does
// not change as it changes ns/op.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e3, "cpu-µs/op")
}

var helloRequest = []byte("GET /hello HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n")

func helloRoundTrip(b *testing.B, c *rawConn, buf []byte) {
	if _, err := c.Conn.Write(helloRequest); err != nil {
		b.Fatal(err)
	}
	n := 0
	for !bytes.HasSuffix(buf[:n], helloBody) {
		m, err := c.Conn.Read(buf[n:])
		if err != nil {
			b.Fatal(err)
		}
		n += m
	}
}
