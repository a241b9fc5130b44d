package tcp

import (
	"errors"
	"io"
	"testing"

	"go.uber.org/goleak"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
)

func TestMain(m *testing.M) {
	fdcheck.Warm() // before any test counts descriptors
	goleak.VerifyTestMain(m)
}

// run runs fn as the main coroutine of a new executor of x's kind and
// fails t with what it returns. Tests call it inside rttest.Each, so that
// fn runs on each executor.
func run(t *testing.T, x rttest.Executor, fn func(co *async.Co) error) {
	t.Helper()
	err, runErr := executor.Run(async.Go(fn), x.Options...)
	if runErr != nil {
		t.Fatalf("executor: %v", runErr)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// pair returns both ends of a new loopback connection, and the listener.
func pair(co *async.Co, addr string) (client, server *Conn, l *Listener, err error) {
	l, err = Listen(addr)
	if err != nil {
		return nil, nil, nil, err
	}
	client, err = async.Await(co, Connect(l.Addr().String())).Get()
	if err != nil {
		l.Close()
		return nil, nil, nil, err
	}
	// The kernel completes the handshake without waiting for accept, so one
	// task may connect and then accept.
	server, err = async.Await(co, l.Accept()).Get()
	if err != nil {
		client.Close()
		l.Close()
		return nil, nil, nil, err
	}
	return client, server, l, nil
}

// readAll reads c to end of stream.
func readAll(co *async.Co, c *Conn) ([]byte, error) {
	var got []byte
	buf := make([]byte, 512)
	for {
		n, err := async.Await(co, c.Read(buf)).Get()
		got = append(got, buf[:n]...)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return got, nil
			}
			return got, err
		}
	}
}

// echo copies c back to itself until end of stream, then closes it.
func echo(c *Conn) async.Future[error] {
	return async.Go(func(co *async.Co) error {
		defer c.Close()
		buf := make([]byte, 256)
		for {
			n, err := async.Await(co, c.Read(buf)).Get()
			if n > 0 {
				if _, werr := async.Await(co, c.WriteAll(buf[:n])).Get(); werr != nil {
					return werr
				}
			}
			if err != nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				return err
			}
		}
	})
}
