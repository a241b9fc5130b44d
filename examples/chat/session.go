package main

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/broadcast"
	"github.com/asyncgo/async/cancel"
	"github.com/asyncgo/async/lock"
	"github.com/asyncgo/async/timer"
)

// maxLine is the longest line a client may send, in bytes.
const maxLine = 1024

// client is one connection's state, shared by its session (which reads)
// and its writer task (which relays the room).
type client struct {
	id   uint64
	name string // the session's alone
	conn lineConn
	// writing is held for the whole of a write, across its await, so that
	// the lines the session and the writer write never interleave.
	writing lock.Mutex
	// gone is cancelled to end the session's reads: by the writer when it
	// drops the client, and with its parent when the server stops.
	gone *cancel.Token
	// dropped says why the writer dropped the client, if it did.
	dropped atomic.Pointer[string]
}

// session serves one connection, of a line client or a browser: a writer
// task relays the room to it, while the session reads the client's lines
// and acts on them, until the client leaves, falls silent, is dropped, or
// the server stops.
func (s *server) session(c lineConn) async.Future[struct{}] {
	return async.Do(func(co *async.Co) {
		defer c.closeNow()
		if !s.slots.TryAcquire(1) {
			async.Await(co, timer.Timeout(c.writeLine("* the server is full, try again later\n"), s.cfg.writeWait))
			async.Await(co, c.close(endFull))
			return
		}
		defer s.slots.Release(1)
		cl := &client{id: s.lastID.Add(1), conn: c, gone: s.stopping.Child()}
		defer cl.gone.Cancel() // unlinks it from the server's token
		cl.name = fmt.Sprintf("guest%d", cl.id)
		for !s.claim(cl.name) { // someone took it with /nick
			cl.name += "_"
		}
		defer func() { s.release(cl.name) }()

		rx := s.room.Subscribe()
		writer := async.Spawn(co.Context(), async.Do(func(co *async.Co) {
			s.relay(co, cl, rx)
		}))
		defer writer.Abort()
		cl.write(co, s, fmt.Sprintf("* welcome, %s: /nick NAME to change your name, /quit to leave\n", cl.name))
		s.say("%s joined", cl.name)

		bye, why := s.read(co, cl)
		switch {
		case s.stopping.IsCancelled():
			// The room is closing: the writer sends what is left,
			// goodbye included, and ends.
			async.Await(co, writer)
			why = endShutdown
		case cl.dropped.Load() != nil:
			reason := *cl.dropped.Load()
			s.log.Printf("dropped %s: %s", cl.name, reason)
			s.say("%s was dropped: %s", cl.name, reason)
			cl.write(co, s, "* you were dropped: "+reason+"\n") // if its socket takes it
			why = endSlow
		default:
			writer.Abort()
			if bye != "" {
				cl.write(co, s, "* "+bye+"\n")
			}
			s.say("%s left", cl.name)
		}
		async.Await(co, c.close(why))
	})
}

// read reads the client's lines and acts on each until the session must
// end, and returns what to tell the client then ("" for nothing) and why
// it ends.
func (s *server) read(co *async.Co, cl *client) (bye string, why ending) {
	for {
		line, err := readLine(co, cl, s.cfg)
		var notLine *notLineError
		switch {
		case errors.Is(err, cancel.ErrCancelled): // dropped, or stopping
			return "", endGone
		case errors.Is(err, timer.ErrTimeout):
			return fmt.Sprintf("you were silent for %v, goodbye", s.cfg.idle), endSilent
		case errors.Is(err, aio.ErrTooLong):
			return fmt.Sprintf("lines are at most %d bytes, goodbye", maxLine), endTooLong
		case errors.As(err, &notLine):
			return notLine.Error() + ", goodbye", endNotText
		case err != nil: // the client closed, or the connection failed
			return "", endGone
		}
		switch c := parse(line); c.kind {
		case quit:
			return "goodbye", endQuit
		case nick:
			s.rename(co, cl, c.arg)
		case unknown:
			cl.write(co, s, "* unknown command "+c.arg+": try /nick NAME or /quit\n")
		default:
			s.room.Send(message{from: cl.id, line: cl.name + ": " + c.arg + "\n"})
		}
	}
}

// readLine reads the next line, waiting at most the idle time, until the
// client is gone. Its error is cancel.ErrCancelled when the client is
// gone, timer.ErrTimeout when it was silent too long, or the read's.
func readLine(co *async.Co, cl *client, cfg config) ([]byte, error) {
	return async.Get(co, cancel.WithToken(cl.gone, timer.Timeout(cl.conn.readLine(), cfg.idle)))
}

// rename gives the client a new name if it is valid and free.
func (s *server) rename(co *async.Co, cl *client, name string) {
	switch {
	case !validName(name):
		cl.write(co, s, "* a name is 1 to 32 letters, digits, '-', '_' or '.'\n")
	case name == cl.name:
	case !s.claim(name):
		cl.write(co, s, "* the name "+name+" is taken\n")
	default:
		old := cl.name
		cl.name = name
		s.release(old)
		cl.write(co, s, "* you are now "+name+"\n")
		s.say("%s is now %s", old, name)
	}
}

// relay is the writer task: it sends the client every message of the room
// but its own, until the room closes or the client must be dropped for
// falling behind.
func (s *server) relay(co *async.Co, cl *client, rx *broadcast.Receiver[message]) {
	defer rx.Close()
	for {
		r := async.Await[async.Result[message]](co, rx.Recv())
		var lagged *broadcast.LaggedError
		switch {
		case errors.As(r.Err, &lagged):
			cl.drop(fmt.Sprintf("too slow: missed %d messages", lagged.Missed))
			return
		case r.Err != nil: // the room closed: everything is sent
			return
		case r.Value.from == cl.id:
			continue
		}
		if err := cl.write(co, s, r.Value.line); err != nil {
			if errors.Is(err, timer.ErrTimeout) {
				cl.drop(fmt.Sprintf("too slow: took nothing for %v", s.cfg.writeWait))
			}
			return
		}
	}
}

// write sends line to the client, waiting at most the write time for its
// socket to take it.
func (cl *client) write(co *async.Co, s *server, line string) error {
	async.Await(co, cl.writing.Lock())
	defer cl.writing.Unlock()
	_, err := async.Get(co, timer.Timeout(cl.conn.writeLine(line), s.cfg.writeWait))
	return err
}

// drop ends the client's session for reason.
func (cl *client) drop(reason string) {
	cl.dropped.Store(&reason)
	cl.gone.Cancel()
}
