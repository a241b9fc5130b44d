package aio_test

import (
	"fmt"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/tcp"
)

// CopyBidirectional joins two connections, as a proxy does: here the two
// ends of two loopback connections, so that what the client sends reaches
// the server, and back. The client's half-close travels through, and the
// copy ends once both sides have ended.
func ExampleCopyBidirectional() {
	l, err := tcp.Listen("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	out, err := executor.Run(async.Go(func(co *async.Co) string {
		pair := func() (near, far *tcp.Conn) {
			near, _ = async.Get(co, tcp.Connect(l.Addr().String()))
			far, _ = async.Get(co, l.Accept())
			return near, far
		}
		client, a := pair() // client → a
		b, server := pair() // b → server
		defer func() { client.Close(); a.Close(); b.Close(); server.Close() }()
		joined := async.Spawn(co.Context(), aio.CopyBidirectional(a, b, nil, nil))

		async.Get(co, client.WriteAll([]byte("ping")))
		client.CloseWrite()
		buf := make([]byte, 4)
		async.Get(co, aio.ReadFull(server, buf))
		async.Get(co, server.WriteAll([]byte("pong!")))
		server.CloseWrite()
		reply := make([]byte, 5)
		async.Get(co, aio.ReadFull(client, reply))
		n, err := async.Get(co, joined)
		counts := n.Value
		return fmt.Sprintf("server got %s, client got %s; copied %d and %d bytes, %v %v", buf, reply, counts.AToB, counts.BToA, err, n.Err)
	}))
	fmt.Println(out, err)
	// Output: server got ping, client got pong!; copied 4 and 5 bytes, <nil> <nil> <nil>
}
