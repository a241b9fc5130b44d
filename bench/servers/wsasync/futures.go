package main

import (
	"bytes"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/broadcast"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/websocket"
)

// serveFuture is serveCoroutine written as a state machine: a session.
func serveFuture(rm *room, w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
	return &session{rm: rm, w: w, r: r}
}

// session upgrades the request, spawns the connection's writer, then
// reads the client's messages and sends each to the room, until a read
// fails. Each step keeps the future in flight in a field, polled again
// when the task wakes.
type session struct {
	rm      *room
	w       *http1.ResponseWriter
	r       *http1.Request
	upgrade async.Future[async.Result[*websocket.Conn]] // while upgrading
	c       *websocket.Conn                             // once upgraded
	read    async.Future[async.Result[websocket.Message]]
	writer  async.JoinHandle[struct{}]
}

func (s *session) Poll(cx *async.Context) (struct{}, bool) {
	if s.c == nil {
		if s.upgrade == nil {
			s.upgrade = s.rm.up.Upgrade(s.w, s.r)
		}
		r, ok := s.upgrade.Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		s.upgrade, s.w, s.r = nil, nil, nil
		if r.Err != nil {
			return struct{}{}, true // Upgrade answered the request with a 4xx
		}
		s.c = r.Value
		s.writer = async.SpawnValue[struct{}](cx, relayer{c: s.c, rx: s.rm.all.Subscribe()})
	}
	for {
		if s.read == nil {
			s.read = s.c.ReadMessage()
		}
		m, ok := s.read.Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		s.read = nil
		if m.Err != nil { // the client left, or broke the protocol
			s.end()
			return struct{}{}, true
		}
		// m.Value.Data is the connection's until its next read; the room
		// keeps a copy until every writer has sent it.
		s.rm.all.Send(bytes.Clone(m.Value.Data))
	}
}

func (s *session) Cancel() {
	if s.upgrade != nil {
		s.upgrade.Cancel()
	}
	if s.read != nil {
		s.read.Cancel()
	}
	if s.c != nil {
		s.end()
	}
}

// end stops the writer and closes the connection.
func (s *session) end() {
	s.writer.Abort()
	s.c.CloseNow()
}

// relayer is a connection's writer task: it writes every message of the
// room to the connection until the room closes, a write fails, or the
// client falls too far behind, when it is dropped.
type relayer struct {
	c     *websocket.Conn
	rx    *broadcast.Receiver[[]byte]
	recv  *broadcast.RecvFuture[[]byte] // while waiting for the room
	write async.Future[error]           // while writing
}

func (rl *relayer) Poll(cx *async.Context) (struct{}, bool) {
	for {
		if rl.write == nil {
			if rl.recv == nil {
				rl.recv = rl.rx.Recv()
			}
			r, ok := rl.recv.Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			rl.recv = nil
			if r.Err != nil { // lagged (the client is dropped) or the room closed
				rl.rx.Close()
				rl.c.CloseNow()
				return struct{}{}, true
			}
			rl.write = rl.c.WriteMessage(websocket.Binary, r.Value)
		}
		err, ok := rl.write.Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		rl.write = nil
		if err != nil {
			rl.rx.Close()
			return struct{}{}, true
		}
	}
}

func (rl *relayer) Cancel() {
	if rl.recv != nil {
		rl.recv.Cancel()
	}
	if rl.write != nil {
		rl.write.Cancel()
	}
	rl.rx.Close()
}
