package udp_test

import (
	"fmt"
	"net"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/udp"
)

// A server answers one datagram: Bind two sockets, send from one to the
// other, and reply to the sender's address.
func Example() {
	server, err := udp.Bind("127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer server.Close()
	client, err := udp.Bind("127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()

	reply, err := executor.Run(async.Go(func(co *async.Co) string {
		// The server task: receive one datagram and send it back,
		// upper-cased, to whoever sent it.
		async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
			buf := make([]byte, 1500)
			d, err := async.Get(co, server.RecvFrom(buf))
			if err != nil {
				return err
			}
			for i, c := range buf[:d.N] {
				if 'a' <= c && c <= 'z' {
					buf[i] = c - 'a' + 'A'
				}
			}
			_, err = async.Get(co, server.SendTo(buf[:d.N], d.Addr))
			return err
		})).Detach()

		to := server.LocalAddr().(*net.UDPAddr).AddrPort()
		if _, err := async.Get(co, client.SendTo([]byte("hello, datagram"), to)); err != nil {
			return err.Error()
		}
		buf := make([]byte, 1500)
		d, err := async.Get(co, client.RecvFrom(buf))
		if err != nil {
			return err.Error()
		}
		return string(buf[:d.N])
	}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(reply)
	// Output: HELLO, DATAGRAM
}
