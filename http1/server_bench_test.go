package http1

import (
	"bytes"
	"io"
	"testing"

	"github.com/asyncgo/async/internal/rttest"
)

// BenchmarkServerHello measures a keep-alive request and its response
// over loopback, the client a plain blocking socket that allocates
// nothing, so the allocations reported are the server's.
func BenchmarkServerHello(b *testing.B) {
	ts := startServer(b, rttest.Executors[0], &Server{Handler: HandlerFunc(hello)})
	c := dialRaw(b, ts.addr)
	req := []byte("GET /hello HTTP/1.1\r\nHost: bench\r\nUser-Agent: b\r\nAccept: */*\r\n\r\n")
	buf := make([]byte, 4096)
	roundTrip := func() {
		if _, err := c.Conn.Write(req); err != nil {
			b.Fatal(err)
		}
		n := 0
		for !bytes.HasSuffix(buf[:n], helloBody) {
			m, err := c.Conn.Read(buf[n:])
			if err != nil && err != io.EOF {
				b.Fatal(err)
			}
			n += m
		}
	}
	roundTrip()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		roundTrip()
	}
}
