package tcp

import (
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
)

// TestServe serves ten clients at once through Serve, then closes the
// listener: Serve ends with net.ErrClosed and nothing is left behind.
func TestServe(t *testing.T) {
	fdcheck.Check(t)
	run(t, func(co *async.Co) error {
		l, err := Listen("127.0.0.1:0")
		if err != nil {
			return err
		}
		handle := func(c *Conn) async.Future[struct{}] {
			return async.Map(echo(c), func(error) struct{} { return struct{}{} })
		}
		served := async.Spawn(co.Context(), Serve(l, handle))
		clients := make([]async.Future[error], 10)
		for i := range clients {
			clients[i] = async.Go(func(co *async.Co) error {
				c, err := async.Await(co, Connect(l.Addr().String())).Get()
				if err != nil {
					return err
				}
				defer c.Close()
				msg := fmt.Sprintf("client %d", i)
				if _, err := async.Await(co, c.WriteAll([]byte(msg))).Get(); err != nil {
					return err
				}
				c.CloseWrite()
				got, err := readAll(co, c)
				if err != nil || string(got) != msg {
					return fmt.Errorf("echo %q, %v; want %q", got, err, msg)
				}
				return nil
			})
		}
		for _, err := range async.Await(co, async.JoinAll(clients)) {
			if err != nil {
				return err
			}
		}
		l.Close()
		r := async.Await(co, served)
		if r.Err != nil || !errors.Is(r.Value, net.ErrClosed) {
			return fmt.Errorf("Serve after Close: %v, %v; want net.ErrClosed", r.Value, r.Err)
		}
		return nil
	})
}
