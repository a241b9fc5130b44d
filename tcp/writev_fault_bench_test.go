package tcp

import "testing"

// BenchmarkWriteVectoredRead writes 64 bytes in three buffers with one
// writev(2) through a loopback connection's write half, and reads them at
// the other end: the path that netfd.Writev's fault check sits in, as
// BenchmarkConnWriteRead times write(2)'s.
func BenchmarkWriteVectoredRead(b *testing.B) {
	a := newBenchAwaiter(b)
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	c := benchAwait(b, a, Connect(l.Addr().String()))
	s := benchAwait(b, a, l.Accept())
	defer s.Close()
	r, w := c.Split()
	defer r.Close() // the second Close of the halves closes c
	defer w.Close()
	msg, buf := make([]byte, 64), make([]byte, 64)
	bufs := [][]byte{msg[:16], msg[16:40], msg[40:]}
	b.ReportAllocs()
	for b.Loop() {
		if n := benchAwait(b, a, w.WriteVectored(bufs)); n != len(msg) {
			b.Fatalf("WriteVectored wrote %d bytes, want %d", n, len(msg))
		}
		for n := 0; n < len(msg); {
			n += benchAwait(b, a, s.Read(buf[n:]))
		}
	}
}
