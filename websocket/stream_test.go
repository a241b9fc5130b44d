package websocket

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// streamEcho echoes each message frame by frame: a MessageReader's
// reads go out as a MessageWriter's writes.
func streamEcho(co *async.Co, c *Conn) {
	buf := make([]byte, 1000)
	for {
		mr, err := async.Get(co, c.NextReader())
		if err != nil {
			return
		}
		mw := c.NextWriter(mr.Type())
		for {
			n, err := async.Get(co, mr.Read(buf))
			if err == io.EOF {
				break
			}
			if err != nil {
				return
			}
			if _, err := async.Get(co, mw.Write(buf[:n])); err != nil {
				return
			}
		}
		if err := async.Await(co, mw.Close()); err != nil {
			return
		}
	}
}

func TestStreamedMessages(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		url := serve(t, x, &Upgrader{}, streamEcho)
		client(t, x, &Dialer{}, url, func(co *async.Co, c *Conn) {
			// A text message in fragments that cut runes in two, with
			// pings between the fragments.
			parts := [][]byte{[]byte("héllo, "), []byte("wör"), {}, []byte("ld \xe2"), []byte("\x82\xac")}
			want := bytes.Join(parts, nil)
			reader := async.Spawn(co.Context(), c.ReadMessage())
			mw := c.NextWriter(Text)
			for i, p := range parts {
				if _, err := async.Get(co, mw.Write(p)); err != nil {
					t.Fatalf("write part %d: %v", i, err)
				}
				if i == 1 {
					if err := async.Await(co, c.Ping([]byte("between"))); err != nil {
						t.Fatalf("ping between fragments: %v", err)
					}
				}
			}
			if err := async.Await(co, mw.Close()); err != nil {
				t.Fatalf("close the message: %v", err)
			}
			m, err := joinMessage(co, reader)
			if err != nil {
				t.Fatal(err)
			}
			if m.Type != Text || string(m.Data) != string(want) {
				t.Fatalf("got %v %q, want text %q", m.Type, m.Data, want)
			}
		})
	})
}

func TestPingWaitsForPong(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		url := serve(t, x, &Upgrader{}, echo)
		client(t, x, &Dialer{}, url, func(co *async.Co, c *Conn) {
			reader := async.Spawn(co.Context(), c.ReadMessage())
			for i := range 3 {
				r := async.Await(co, timer.TimeoutValue(c.Ping([]byte{byte(i)}), 10*time.Second))
				if err := errors.Join(r.Value, r.Err); err != nil {
					t.Fatalf("ping %d: %v", i, err)
				}
			}
			if err := async.Await(co, c.WriteMessage(Text, []byte("x"))); err != nil {
				t.Fatal(err)
			}
			if m, err := joinMessage(co, reader); err != nil || string(m.Data) != "x" {
				t.Fatalf("read after pings: %q, %v", m.Data, err)
			}
		})
	})
}

func TestCloseFromClient(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		got := make(chan error, 1)
		url := serve(t, x, &Upgrader{}, func(co *async.Co, c *Conn) {
			_, err := async.Get(co, c.ReadMessage())
			got <- err
		})
		client(t, x, &Dialer{}, url, func(co *async.Co, c *Conn) {
			if err := async.Await(co, c.Close(StatusGoingAway, "leaving")); err != nil {
				t.Errorf("close: %v", err)
			}
			// The connection ended with the handshake: what ended it is
			// the answer to our close frame.
			if _, err := async.Get(co, c.ReadMessage()); CloseStatus(err) != StatusGoingAway {
				t.Errorf("read after Close: %v, want the peer's 1001", err)
			}
			if err := async.Await(co, c.WriteMessage(Text, nil)); CloseStatus(err) != StatusGoingAway {
				t.Errorf("write after Close: %v, want the peer's 1001", err)
			}
		})
		var ce *CloseError
		if err := <-got; !errors.As(err, &ce) || ce.Code != StatusGoingAway || ce.Reason != "leaving" || !ce.Remote {
			t.Fatalf("server's read: %v, want the peer's 1001 leaving", err)
		}
	})
}

// joinMessage awaits a spawned ReadMessage.
func joinMessage(co *async.Co, h async.JoinHandle[async.Result[Message]]) (Message, error) {
	r := async.Await(co, h)
	if r.Err != nil {
		return Message{}, r.Err
	}
	return r.Value.Value, r.Value.Err
}

// TestCloseWithReaderTask closes a connection whose reads run in another
// task, which may be between two reads when Close starts: Close must not
// read alongside it, and must end as soon as the peer's close frame is
// read.
func TestCloseWithReaderTask(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		got := make(chan error, 1)
		took := make(chan time.Duration, 1)
		u := &Upgrader{Options: Options{CloseTimeout: 20 * time.Second}}
		url := serve(t, x, u, func(co *async.Co, c *Conn) {
			reader := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				for {
					if _, err := async.Get(co, c.ReadMessage()); err != nil {
						return err
					}
				}
			}))
			start := time.Now()
			got <- async.Await(co, c.Close(StatusNormalClosure, "bye"))
			took <- time.Since(start)
			async.Await(co, reader)
		})
		client(t, x, &Dialer{}, url, func(co *async.Co, c *Conn) {
			for {
				if _, err := async.Get(co, c.ReadMessage()); err != nil {
					if CloseStatus(err) != StatusNormalClosure {
						t.Errorf("client's read: %v, want the server's 1000", err)
					}
					return
				}
			}
		})
		if err := <-got; err != nil {
			t.Errorf("Close: %v", err)
		}
		if d := <-took; d > 10*time.Second {
			t.Errorf("Close took %v: it waited for a close frame its reader task had read", d)
		}
	})
}
