package tcp

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
)

// echoThrough sends msg through c and reads it back from an echoing peer.
func echoThrough(co *async.Co, c *Conn, msg string) error {
	if _, err := async.Await(co, c.WriteAll([]byte(msg))).Get(); err != nil {
		return err
	}
	buf := make([]byte, len(msg))
	for got := 0; got < len(msg); {
		n, err := async.Await(co, c.Read(buf[got:])).Get()
		if err != nil {
			return err
		}
		got += n
	}
	if string(buf) != msg {
		return fmt.Errorf("echoed %q, want %q", buf, msg)
	}
	return nil
}

// netEcho serves one connection of l with the net package, echoing until
// end of stream; the returned channel has its error.
func netEcho(l net.Listener) <-chan error {
	done := make(chan error, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			done <- err
			return
		}
		// A loop, not io.Copy: between two TCP sockets io.Copy splices
		// through a pipe that the net package keeps in a pool, which the
		// descriptor count would see as a leak.
		buf := make([]byte, 512)
		for {
			n, rerr := c.Read(buf)
			if _, err = c.Write(buf[:n]); err != nil || rerr != nil {
				if rerr != io.EOF {
					err = errors.Join(err, rerr)
				}
				break
			}
		}
		done <- errors.Join(err, c.Close())
	}()
	return done
}

func TestFromConn(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		nl, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer nl.Close()
		done := netEcho(nl)
		nc, err := net.Dial("tcp", nl.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c, err := FromConn(nc)
		if err != nil {
			nc.Close()
			t.Fatal(err)
		}
		// The original is the caller's: closing it leaves the copy working.
		if err := nc.Close(); err != nil {
			t.Fatal(err)
		}
		run(t, x, func(co *async.Co) error {
			defer c.Close()
			if c.RemoteAddr().String() != nl.Addr().String() {
				return fmt.Errorf("remote address %v, want %v", c.RemoteAddr(), nl.Addr())
			}
			if err := echoThrough(co, c, "adopted from net"); err != nil {
				return err
			}
			return c.CloseWrite()
		})
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

func TestFileConn(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		nl, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer nl.Close()
		done := netEcho(nl)
		nc, err := net.Dial("tcp", nl.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		f, err := nc.(*net.TCPConn).File()
		nc.Close()
		if err != nil {
			t.Fatal(err)
		}
		c, err := FileConn(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		run(t, x, func(co *async.Co) error {
			defer c.Close()
			if err := echoThrough(co, c, "adopted from a file"); err != nil {
				return err
			}
			return c.CloseWrite()
		})
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// TestFileListener takes over the listener of net.Listen, through a file
// and directly, and accepts a connection that the net package dials.
func TestFileListener(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		for _, how := range []string{"FileListener", "FromListener"} {
			t.Run(how, func(t *testing.T) {
				fdcheck.Check(t)
				nl, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				defer nl.Close()
				var l *Listener
				if how == "FromListener" {
					l, err = FromListener(nl)
				} else {
					f, ferr := nl.(*net.TCPListener).File()
					if ferr != nil {
						t.Fatal(ferr)
					}
					l, err = FileListener(f)
					f.Close()
				}
				if err != nil {
					t.Fatal(err)
				}
				defer l.Close()
				if l.Addr().String() != nl.Addr().String() {
					t.Errorf("address %v, want %v", l.Addr(), nl.Addr())
				}
				dialled := make(chan error, 1)
				go func() {
					nc, err := net.Dial("tcp", nl.Addr().String())
					if err != nil {
						dialled <- err
						return
					}
					buf := make([]byte, 4)
					if _, err = nc.Write([]byte("ping")); err == nil {
						if _, err = io.ReadFull(nc, buf); err == nil && string(buf) != "ping" {
							err = fmt.Errorf("dialler read %q", buf)
						}
					}
					dialled <- errors.Join(err, nc.Close())
				}()
				run(t, x, func(co *async.Co) error {
					c, err := async.Await(co, l.Accept()).Get()
					if err != nil {
						return err
					}
					defer c.Close()
					buf := make([]byte, 4)
					n, err := async.Await(co, c.Read(buf)).Get()
					if err != nil {
						return err
					}
					_, err = async.Await(co, c.WriteAll(buf[:n])).Get()
					return err
				})
				if err := <-dialled; err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}

// TestAdoptWrongKind refuses what is not a TCP socket of the kind asked
// for, and closes the copy it made.
func TestAdoptWrongKind(t *testing.T) {
	fdcheck.Check(t)
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tl.Close()
	ul, err := net.Listen("unix", filepath.Join(t.TempDir(), "sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer ul.Close()
	uc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()
	tlf, err := tl.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	defer tlf.Close()
	tc, err := net.Dial("tcp", tl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	tcf, err := tc.(*net.TCPConn).File()
	if err != nil {
		t.Fatal(err)
	}
	defer tcf.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	for _, tc := range []struct {
		name string
		try  func() error
	}{
		{"a Unix listener as a listener", func() error { return closed(FromListener(ul)) }},
		{"a TCP listener as a connection", func() error { return closedConn(FileConn(tlf)) }},
		{"a TCP connection as a listener", func() error { return closed(FileListener(tcf)) }},
		{"a UDP socket as a connection", func() error { return closedConn(FromConn(uc.(*net.UDPConn))) }},
		{"a pipe as a connection", func() error { return closedConn(FileConn(pr)) }},
		{"a pipe as a listener", func() error { return closed(FileListener(pw)) }},
	} {
		err := tc.try()
		if err == nil {
			t.Errorf("adopting %s succeeded", tc.name)
			continue
		}
		if !strings.HasPrefix(err.Error(), "tcp: ") {
			t.Errorf("adopting %s: error %q does not say it is package tcp's", tc.name, err)
		}
		t.Logf("%s: %v", tc.name, err)
	}
}

func closed(l *Listener, err error) error {
	if err == nil {
		l.Close()
	}
	return err
}

func closedConn(c *Conn, err error) error {
	if err == nil {
		c.Close()
	}
	return err
}
