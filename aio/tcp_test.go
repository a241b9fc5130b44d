package aio

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/tcp"
	"github.com/asyncgo/async/timer"
)

// A tcp.Conn is what the helpers are for.
var (
	_ ReadWriter  = (*tcp.Conn)(nil)
	_ CloseWriter = (*tcp.Conn)(nil)
)

// tcpPair returns both ends of a new loopback connection. The listener is
// closed at once: the kernel completed the handshake before Accept.
func tcpPair(co *async.Co) (client, server *tcp.Conn, err error) {
	l, err := tcp.Listen("127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	defer l.Close()
	client, err = async.Await(co, tcp.Connect(l.Addr().String())).Get()
	if err != nil {
		return nil, nil, err
	}
	server, err = async.Await(co, l.Accept()).Get()
	if err != nil {
		client.Close()
		return nil, nil, err
	}
	return client, server, nil
}

// closeAll closes the connections and fails unless the reactor then has
// no registered source left.
func closeAll(co *async.Co, conns ...*tcp.Conn) error {
	for _, c := range conns {
		c.Close()
	}
	if n := co.Context().Reactor().Sources(); n != 0 {
		return fmt.Errorf("%d sources still registered after closing every socket", n)
	}
	return nil
}

// TestTCPEchoWithCopy echoes with Copy(c, c): the server copies a
// connection to itself, while the client writes and reads at once.
func TestTCPEchoWithCopy(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			client, server, err := tcpPair(co)
			if err != nil {
				return err
			}
			echo := spawn(co, func(co *async.Co) error {
				n, err := async.Await(co, Copy(server, server, nil)).Get()
				if err != nil {
					return err
				}
				if n != 300_000 {
					return fmt.Errorf("echo copied %d bytes, want 300000", n)
				}
				return server.CloseWrite()
			})
			msg := pattern(300_000) // more than the socket buffers hold
			writer := spawn(co, func(co *async.Co) error {
				if _, err := async.Await(co, WriteAll(client, msg)).Get(); err != nil {
					return err
				}
				return client.CloseWrite()
			})
			got, err := readAll(co, client)
			if err != nil {
				return err
			}
			if !bytes.Equal(got, msg) {
				t.Errorf("echo returned %d bytes, want the %d sent", len(got), len(msg))
			}
			return errors.Join(join(co, writer), join(co, echo), closeAll(co, client, server))
		})
	})
}

// proxied returns a client and a server connection joined by a
// CopyBidirectional between two other sockets, and the proxy's task.
func proxied(co *async.Co) (client, server *tcp.Conn, proxy async.JoinHandle[async.Result[Counts]], closeAll func() error, err error) {
	client, a, err := tcpPair(co)
	if err != nil {
		return
	}
	b, server, err := tcpPair(co)
	if err != nil {
		client.Close()
		a.Close()
		return
	}
	proxy = async.Spawn(co.Context(), CopyBidirectional(a, b, nil, make([]byte, 1000)))
	closeAll = func() error {
		for _, c := range []*tcp.Conn{client, a, b, server} {
			c.Close()
		}
		if n := co.Context().Reactor().Sources(); n != 0 {
			return fmt.Errorf("%d sources still registered after closing every socket", n)
		}
		return nil
	}
	return
}

// TestTCPCopyBidirectionalHalfClose passes each end of stream through a
// proxy while the other direction is still open, one way, then the other.
func TestTCPCopyBidirectionalHalfClose(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			client, server, proxy, closeAll, err := proxied(co)
			if err != nil {
				return err
			}
			msg1, msg2 := pattern(250_000), pattern(123_456)
			if err := halfCloseExchange(co, client, server, msg1, msg2); err != nil {
				return err
			}
			c, err := async.Await(co, proxy).Value.Get()
			if err != nil {
				return err
			}
			if c.AToB != int64(len(msg1)) || c.BToA != int64(len(msg2)) {
				t.Errorf("CopyBidirectional = %+v, want %d and %d", c, len(msg1), len(msg2))
			}
			return closeAll()
		})
	})
}

// TestTCPCopyBidirectionalFullDuplex sends more than the socket buffers
// hold both ways at once: a proxy that copied one way at a time would
// deadlock.
func TestTCPCopyBidirectionalFullDuplex(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			client, server, proxy, closeAll, err := proxied(co)
			if err != nil {
				return err
			}
			up, down := pattern(1_000_000), pattern(900_000)
			peer := func(c *tcp.Conn, send, want []byte) async.JoinHandle[error] {
				return spawn(co, func(co *async.Co) error {
					w := spawn(co, func(co *async.Co) error {
						if _, err := async.Await(co, WriteAll(c, send)).Get(); err != nil {
							return err
						}
						return c.CloseWrite()
					})
					got, err := readAll(co, c)
					if err == nil && !bytes.Equal(got, want) {
						err = fmt.Errorf("read %d bytes, want %d", len(got), len(want))
					}
					return errors.Join(err, join(co, w))
				})
			}
			pc, ps := peer(client, up, down), peer(server, down, up)
			if err := errors.Join(join(co, pc), join(co, ps)); err != nil {
				return err
			}
			c, err := async.Await(co, proxy).Value.Get()
			if err != nil {
				return err
			}
			if c.AToB != int64(len(up)) || c.BToA != int64(len(down)) {
				t.Errorf("CopyBidirectional = %+v, want %d and %d", c, len(up), len(down))
			}
			return closeAll()
		})
	})
}

func TestTCPFramesAndLines(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			client, server, err := tcpPair(co)
			if err != nil {
				return err
			}
			writer := spawn(co, func(co *async.Co) error {
				fw := NewFrameWriter(client)
				for i := range 200 {
					if err := async.Await(co, fw.WriteFrame(pattern(i*37))); err != nil {
						return err
					}
				}
				bw := NewWriter(client, 256)
				for i := range 100 {
					if _, err := async.Await(co, bw.Write(fmt.Appendf(nil, "line %d\r\n", i))).Get(); err != nil {
						return err
					}
				}
				if err := async.Await(co, bw.Flush()); err != nil {
					return err
				}
				return client.CloseWrite()
			})
			fr := NewFrameReader(server, 10_000)
			for i := range 200 {
				p, err := async.Await(co, fr.Next()).Get()
				if err != nil {
					return fmt.Errorf("frame %d: %w", i, err)
				}
				if !bytes.Equal(p, pattern(i*37)) {
					return fmt.Errorf("frame %d: %d bytes, want %d", i, len(p), i*37)
				}
			}
			// The FrameReader may have read past the last frame: the lines go
			// on from what it buffered.
			rest := fr.b.buffered()
			lr := NewLineReader(withPrefix(rest, server), 64)
			for i := range 100 {
				line, err := async.Await(co, lr.Next()).Get()
				if err != nil || string(line) != fmt.Sprintf("line %d", i) {
					return fmt.Errorf("line %d = %q, %v", i, line, err)
				}
			}
			return errors.Join(join(co, writer), closeAll(co, client, server))
		})
	})
}

// prefixed is a Reader that returns a prefix, then reads from r.
type prefixed struct {
	prefix []byte
	r      Reader
}

func withPrefix(prefix []byte, r Reader) *prefixed {
	return &prefixed{prefix: append([]byte(nil), prefix...), r: r}
}

func (p *prefixed) Read(buf []byte) async.Future[async.Result[int]] {
	if len(p.prefix) > 0 {
		n := copy(buf, p.prefix)
		p.prefix = p.prefix[n:]
		return async.Ready(async.Ok(n))
	}
	return p.r.Read(buf)
}

// TestTCPCopyCancelLeavesNoWakers times out a Copy waiting on an idle
// socket, then makes the socket readable: nothing may wake the cancelled
// copy. A Copy over the same socket afterwards still works.
func TestTCPCopyCancelLeavesNoWakers(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			client, server, err := tcpPair(co)
			if err != nil {
				return err
			}
			p := newProbe(Copy(&sink{}, server, nil))
			if _, err := async.Get(co, timer.Timeout(p, 20*time.Millisecond)); !errors.Is(err, timer.ErrTimeout) {
				return fmt.Errorf("Copy from an idle socket = %v, want a timeout", err)
			}
			wakes := p.wakes()
			if _, err := async.Await(co, client.WriteAll([]byte("late data"))).Get(); err != nil {
				return err
			}
			async.Await(co, timer.Sleep(50*time.Millisecond)) // time for the event to arrive
			if p.wakes() != wakes {
				t.Errorf("the cancelled Copy was woken %d times after its cancellation", p.wakes()-wakes)
			}
			dst := &sink{keep: true}
			copied := spawn(co, func(co *async.Co) error {
				_, err := async.Await(co, Copy(dst, server, nil)).Get()
				return err
			})
			if err := client.CloseWrite(); err != nil {
				return err
			}
			if err := join(co, copied); err != nil {
				return err
			}
			if dst.got.String() != "late data" {
				t.Errorf("the next Copy got %q, want \"late data\"", dst.got.String())
			}
			return closeAll(co, client, server)
		})
	})
}

// TestTCPCopyBidirectionalCancel times out a proxy in the middle of a
// transfer, with one direction waiting to write and the other to read,
// then makes both sockets ready: nothing may wake the cancelled copy.
func TestTCPCopyBidirectionalCancel(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			client, a, err := tcpPair(co)
			if err != nil {
				return err
			}
			b, server, err := tcpPair(co)
			if err != nil {
				return errors.Join(err, closeAll(co, client, a))
			}
			// More than the loopback buffers usually hold, so that the proxy
			// is left waiting to write to b.
			writer := spawn(co, func(co *async.Co) error {
				_, err := async.Await(co, WriteAll(client, pattern(4<<20))).Get()
				return err
			})
			p := newProbe(CopyBidirectional(a, b, nil, nil))
			if _, err := async.Get(co, timer.Timeout(p, 100*time.Millisecond)); !errors.Is(err, timer.ErrTimeout) {
				return fmt.Errorf("a proxy whose server does not read = %v, want a timeout", err)
			}
			wakes := p.wakes()
			// Drain what reached the server, until nothing more comes: b
			// becomes writable.
			buf := make([]byte, 1<<20)
			for {
				_, err := async.Get(co, timer.Timeout(server.Read(buf), 20*time.Millisecond))
				if errors.Is(err, timer.ErrTimeout) {
					break
				}
				if err != nil {
					return err
				}
			}
			if _, err := async.Await(co, server.WriteAll([]byte("reply"))).Get(); err != nil { // b becomes readable
				return err
			}
			async.Await(co, timer.Sleep(50*time.Millisecond))
			if p.wakes() != wakes {
				t.Errorf("the cancelled proxy was woken %d times after its cancellation", p.wakes()-wakes)
			}
			closeErr := closeAll(co, client, a, b, server)
			join(co, writer) // done, or failed on the closed socket: either is fine
			return closeErr
		})
	})
}
