package unixsock

import (
	"errors"
	"net"
	"os"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
)

// TestFromListenerAndConn hands a net package listener and a net package
// connection to the runtime: the adopted listener accepts the connection
// the net package dialled, the adopted connection echoes through it, and
// the socket file stays for the listener that made it.
func TestFromListenerAndConn(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		path := sockPath(t)
		nl, err := net.Listen("unix", path)
		if err != nil {
			t.Fatal(err)
		}
		defer nl.Close()
		l, err := FromListener(nl)
		if err != nil {
			t.Fatal(err)
		}
		if got := l.Addr().String(); got != path {
			t.Errorf("adopted listener's address %q; want %q", got, path)
		}
		nc, err := net.Dial("unix", path)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		c, err := FromConn(nc)
		if err != nil {
			t.Fatal(err)
		}
		run(t, x, func(co *async.Co) error {
			defer l.Close()
			defer c.Close()
			s, err := async.Await(co, l.Accept()).Get()
			if err != nil {
				return err
			}
			h := async.Spawn(co.Context(), echo(s))
			if err := write(co, c, "adopted"); err != nil {
				return err
			}
			c.CloseWrite()
			if err := expectRead(co, c, "adopted"); err != nil {
				return err
			}
			return async.Await(co, h).Value
		})
		if _, err := os.Stat(path); err != nil {
			t.Errorf("closing the adopted listener removed the socket file: %v", err)
		}
	})
}

// TestAdoptWrongKind refuses what is not a Unix stream socket of the kind
// asked for, with an error that says so, and leaks no descriptor.
func TestAdoptWrongKind(t *testing.T) {
	fdcheck.Check(t)
	nl, err := net.Listen("unix", sockPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer nl.Close()
	lf, err := nl.(*net.UnixListener).File()
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	if _, err := FileConn(lf); err == nil {
		t.Error("FileConn took a listening socket") // a listener is not a connection
	}
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tl.Close()
	if _, err := FromListener(tl); !errors.Is(err, errNotUnix) {
		t.Errorf("FromListener of a TCP listener: %v; want an error wrapping %v", err, errNotUnix)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if _, err := FileConn(r); !errors.Is(err, errNotUnix) {
		t.Errorf("FileConn of a pipe: %v; want an error wrapping %v", err, errNotUnix)
	}
}
