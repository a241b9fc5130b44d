package unixsock

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
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

// run runs fn as the main coroutine of a new executor, fails t with what
// it returns, and then checks that fn left the reactor with no sources and
// no timers: every socket it used was closed, every wait taken back.
// Tasks still alive when fn returns are cancelled first.
func run(t *testing.T, x rttest.Executor, fn func(co *async.Co) error) {
	t.Helper()
	ex := x.New(t)
	defer ex.Close()
	err, runErr := executor.BlockOn(ex, async.Go(fn))
	if runErr != nil {
		t.Fatalf("executor: %v", runErr)
	}
	if err != nil {
		t.Fatal(err)
	}
	if n := ex.Reactor().Sources(); n != 0 {
		t.Errorf("%d reactor sources left: a socket was not closed", n)
	}
	if n := ex.Reactor().Timers(); n != 0 {
		t.Errorf("%d timers left armed", n)
	}
}

// sockPath returns a path for a socket in a new temporary directory.
// Socket paths are short (see maxPath), and t.TempDir's names are long, so
// the test's name is not repeated in the file's.
func sockPath(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "s")
	if len(p) > maxPath {
		t.Skipf("temporary directory %s is too deep for a socket path", p)
	}
	return p
}

// connected returns the two ends of a new connection to l.
func connected(co *async.Co, l *Listener) (client, server *Conn, err error) {
	client, err = async.Await(co, Connect(l.Addr().String())).Get()
	if err != nil {
		return nil, nil, err
	}
	// The kernel queues the connection without waiting for accept, so one
	// task may connect and then accept.
	server, err = async.Await(co, l.Accept()).Get()
	if err != nil {
		client.Close()
		return nil, nil, err
	}
	return client, server, nil
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

// expectRead reads once from c and checks it got want.
func expectRead(co *async.Co, c *Conn, want string) error {
	buf := make([]byte, 64)
	n, err := async.Await(co, c.Read(buf)).Get()
	if err != nil || string(buf[:n]) != want {
		return fmt.Errorf("read %q, %v; want %q", buf[:n], err, want)
	}
	return nil
}

// expectEOF reads once from c and checks it is at end of stream.
func expectEOF(co *async.Co, c *Conn) error {
	n, err := async.Await(co, c.Read(make([]byte, 8))).Get()
	if n != 0 || err != io.EOF {
		return fmt.Errorf("read %d, %v; want 0, io.EOF", n, err)
	}
	return nil
}

// write writes all of s to c.
func write(co *async.Co, c *Conn, s string) error {
	_, err := async.Await(co, c.WriteAll([]byte(s))).Get()
	return err
}
