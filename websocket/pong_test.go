package websocket

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/timer"
)

// gateStream is a connection's stream whose writes wait until the gate
// opens: reads come from a pipe.
type gateStream struct {
	*aio.PipeReader
	mu     sync.Mutex
	open   bool
	waker  async.Waker
	writes [][]byte
}

func (s *gateStream) Write(b []byte) async.Future[async.Result[int]] { return &gateWrite{s, b} }
func (s *gateStream) Close() error                                   { return s.PipeReader.Close() }

type gateWrite struct {
	s *gateStream
	b []byte
}

func (w *gateWrite) Poll(cx *async.Context) (async.Result[int], bool) {
	s := w.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.open {
		s.waker = cx.Waker()
		return async.Result[int]{}, false
	}
	s.writes = append(s.writes, bytes.Clone(w.b))
	return async.Ok(len(w.b)), true
}
func (w *gateWrite) Cancel() {}

// TestPongOwedAfterPendingWrite sends two pings while the pong of the
// first waits for the socket: the second must be answered too, once the
// first pong is out, without anything else arriving.
func TestPongOwedAfterPendingWrite(t *testing.T) {
	pr, pw := aio.Pipe(1 << 16)
	s := &gateStream{PipeReader: pr}
	_, err := executor.Run(async.Go(func(co *async.Co) struct{} {
		in := append(hostileFrame(finBit|byte(opPing), []byte("A")), hostileFrame(finBit|byte(opPing), []byte("B"))...)
		async.Await(co, pw.Write(in))
		c := newConn(s, co.Context().Reactor(), false, &Options{}, new(shared), nil)
		ctl := async.Go(func(co *async.Co) struct{} {
			async.Await(co, timer.Sleep(50*time.Millisecond))
			s.mu.Lock()
			s.open = true
			w := s.waker
			s.mu.Unlock()
			if w != nil {
				w.Wake()
			}
			async.Await(co, timer.Sleep(200*time.Millisecond))
			s.mu.Lock()
			t.Logf("writes after the gate opened: %q", s.writes)
			if len(s.writes) < 2 {
				t.Errorf("the pong of the second ping was never written: writes %q", s.writes)
			}
			s.mu.Unlock()
			pw.Close()
			return struct{}{}
		})
		async.Await(co, async.Join2(c.ReadMessage(), ctl))
		return struct{}{}
	}))
	if err != nil {
		t.Fatal(err)
	}
}
