package websocket

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/mpsc"
	"github.com/asyncgo/async/timer"
)

// TestSlowReaderHoldsWriterUp writes to a peer that never reads: the
// writes must stop completing once the sockets' buffers are full,
// instead of queueing in memory.
func TestSlowReaderHoldsWriterUp(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const size = 64 << 10
		got := make(chan string, 1)
		url := serve(t, x, &Upgrader{}, func(co *async.Co, c *Conn) {
			msg := make([]byte, size)
			for n := 0; n < 1000; n++ {
				r := async.Await(co, timer.TimeoutValue(c.WriteMessage(Binary, msg), 500*time.Millisecond))
				if errors.Is(r.Err, timer.ErrTimeout) {
					// The cancelled write had begun its frame (unless the
					// socket was full to the byte): the connection cannot
					// go on, and no write may succeed.
					r := async.Await(co, timer.TimeoutValue(c.WriteMessage(Binary, msg), 500*time.Millisecond))
					if r.Err == nil && r.Value == nil {
						got <- "a write after a half-written frame succeeded"
						return
					}
					got <- fmt.Sprintf("held up after %d messages", n)
					return
				}
				if r.Err != nil || r.Value != nil {
					got <- fmt.Sprintf("write %d: %v %v", n, r.Err, r.Value)
					return
				}
			}
			got <- "never held up: 1000 messages of 64 KiB written to a peer that reads nothing"
		})
		dialSilent(t, url)
		select {
		case s := <-got:
			var n int
			if _, err := fmt.Sscanf(s, "held up after %d messages", &n); err != nil {
				t.Fatal(s)
			}
			t.Logf("%s (%d MiB in the sockets' buffers)", s, n*size>>20)
		case <-time.After(60 * time.Second):
			t.Fatal("the writer never finished")
		}
	})
}

// TestCancelledReadLosesNothing cancels a ReadMessage that has read the
// first fragment of a message: the next read returns the whole message.
func TestCancelledReadLosesNothing(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		url := serve(t, x, &Upgrader{}, func(co *async.Co, c *Conn) {
			r := async.Await(co, timer.Timeout(c.ReadMessage(), 100*time.Millisecond))
			if !errors.Is(r.Err, timer.ErrTimeout) {
				async.Await(co, c.WriteMessage(Text, []byte(fmt.Sprintf("first read: %v", r.Err))))
				return
			}
			// Tell the client to send the rest, then read the message.
			if err := async.Await(co, c.WriteMessage(Text, []byte("go on"))); err != nil {
				return
			}
			m, err := async.Get(co, c.ReadMessage())
			if err != nil {
				return
			}
			async.Await(co, c.WriteMessage(m.Type, m.Data))
		})
		client(t, x, &Dialer{}, url, func(co *async.Co, c *Conn) {
			mw := c.NextWriter(Binary)
			if _, err := async.Get(co, mw.Write([]byte("first half, "))); err != nil {
				t.Fatal(err)
			}
			m, err := async.Get(co, c.ReadMessage())
			if err != nil || string(m.Data) != "go on" {
				t.Fatalf("server: %q, %v", m.Data, err)
			}
			if _, err := async.Get(co, mw.Write([]byte("second half"))); err != nil {
				t.Fatal(err)
			}
			if err := async.Await(co, mw.Close()); err != nil {
				t.Fatal(err)
			}
			m, err = async.Get(co, c.ReadMessage())
			if err != nil || string(m.Data) != "first half, second half" {
				t.Fatalf("echo: %q, %v", m.Data, err)
			}
		})
	})
}

// TestIdleConnectionHoldsNoBuffer checks that a connection waiting for
// its next message has given its buffers back.
func TestIdleConnectionHoldsNoBuffer(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		url := serve(t, x, &Upgrader{}, func(co *async.Co, c *Conn) {
			for range 2 {
				m, err := async.Get(co, c.ReadMessage())
				if err != nil {
					return
				}
				if err := async.Await(co, c.WriteMessage(m.Type, m.Data)); err != nil {
					return
				}
			}
			r := async.Await(co, timer.Timeout(c.ReadMessage(), 50*time.Millisecond))
			report := fmt.Sprintf("read %v; buffers: read %d, message %d, write %d, control %d",
				r.Err, cap(c.rd.buf), cap(c.rd.msg), cap(c.wr.f.out), ctlCap(c))
			async.Await(co, c.WriteMessage(Text, []byte(report)))
		})
		client(t, x, &Dialer{}, url, func(co *async.Co, c *Conn) {
			for _, n := range []int{10, 100_000} {
				if err := async.Await(co, c.WriteMessage(Binary, make([]byte, n))); err != nil {
					t.Fatal(err)
				}
				if _, err := async.Get(co, c.ReadMessage()); err != nil {
					t.Fatal(err)
				}
			}
			m, err := async.Get(co, c.ReadMessage())
			want := fmt.Sprintf("read %v; buffers: read 0, message 0, write 0, control 0", timer.ErrTimeout)
			if err != nil || string(m.Data) != want {
				t.Fatalf("idle server connection: %q, %v; want %q", m.Data, err, want)
			}
		})
	})
}

// TestReadAndWriteTasks runs a connection's reads and writes in two
// tasks, on both executors, while the peer pings: pongs must find their
// way between the writer's frames.
func TestReadAndWriteTasks(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const count = 2000
		url := serve(t, x, &Upgrader{}, func(co *async.Co, c *Conn) {
			tx, rx := mpsc.New[[]byte](16)
			writer := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				for {
					b, err := async.Get(co, rx.Recv())
					if err != nil {
						return nil
					}
					if err := async.Await(co, c.WriteMessage(Binary, b)); err != nil {
						return err
					}
				}
			}))
			for {
				m, err := async.Get(co, c.ReadMessage())
				if err != nil {
					break
				}
				if err := async.Await(co, tx.Send(bytes.Clone(m.Data))); err != nil {
					break
				}
			}
			tx.Close()
			async.Await(co, writer)
		})
		client(t, x, &Dialer{}, url, func(co *async.Co, c *Conn) {
			reader := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				for i := range count {
					m, err := async.Get(co, c.ReadMessage())
					if err != nil {
						return fmt.Errorf("message %d: %w", i, err)
					}
					if want := fmt.Sprint(i); string(m.Data) != want {
						return fmt.Errorf("message %d: got %q", i, m.Data)
					}
				}
				return nil
			}))
			for i := range count {
				if err := async.Await(co, c.WriteMessage(Binary, []byte(fmt.Sprint(i)))); err != nil {
					t.Fatalf("write %d: %v", i, err)
				}
				if i%50 == 0 {
					// The server's read side owes a pong while its writer
					// task is busy echoing.
					if err := async.Await(co, c.Ping([]byte(fmt.Sprint("ping ", i)))); err != nil {
						t.Fatalf("ping after message %d: %v", i, err)
					}
				}
			}
			r := async.Await(co, reader)
			if err := errors.Join(r.Err, r.Value); err != nil {
				t.Fatal(err)
			}
			if err := async.Await(co, c.Close(StatusNormalClosure, "")); err != nil {
				t.Fatal(err)
			}
		})
	})
}

// ctlCap is the capacity of the buffer the read side writes control
// frames from, if it has one.
func ctlCap(c *Conn) int {
	if c.rd.ctl == nil {
		return 0
	}
	return cap(c.rd.ctl.buf)
}

// TestCancelledPingKeepsConnection cancels a Ping waiting for a pong that
// is late: the connection goes on, and the late pong is ignored.
func TestCancelledPingKeepsConnection(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		url := serve(t, x, &Upgrader{}, func(co *async.Co, c *Conn) {
			// Read nothing for a while: the ping waits unanswered, far
			// longer than its timeout.
			async.Await(co, timer.Sleep(2*time.Second))
			echo(co, c)
		})
		client(t, x, &Dialer{}, url, func(co *async.Co, c *Conn) {
			reader := async.Spawn(co.Context(), c.ReadMessage())
			r := async.Await(co, timer.TimeoutValue(c.Ping([]byte("late")), 50*time.Millisecond))
			if !errors.Is(r.Err, timer.ErrTimeout) {
				t.Fatalf("ping: %v %v, want the timeout", r.Value, r.Err)
			}
			if err := async.Await(co, c.WriteMessage(Text, []byte("after"))); err != nil {
				t.Fatal(err)
			}
			if m, err := joinMessage(co, reader); err != nil || string(m.Data) != "after" {
				t.Fatalf("echo after the cancelled ping: %q, %v", m.Data, err)
			}
		})
	})
}
