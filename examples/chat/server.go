package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/broadcast"
	"github.com/asyncgo/async/cancel"
	"github.com/asyncgo/async/group"
	"github.com/asyncgo/async/lock"
	"github.com/asyncgo/async/tcp"
	"github.com/asyncgo/async/timer"
	"github.com/asyncgo/async/websocket"
)

// config is the server's settings, from the command line.
type config struct {
	addr       string
	http       string        // the page's host:port; "" serves no page
	threads    int           // executor workers; 1 means a current-thread executor
	maxClients int           // sessions at once
	queue      int           // messages a client may fall behind
	sndbuf     int           // each connection's kernel send buffer, in bytes; 0 leaves the kernel's
	idle       time.Duration // longest silence of a client
	writeWait  time.Duration // longest wait for a client's socket to take data
	grace      time.Duration // longest wait for the sessions at shutdown
}

// check reports the first setting out of range.
func (c config) check() error {
	switch {
	case c.threads < 1:
		return fmt.Errorf("-threads %d: must be 1 or more", c.threads)
	case c.maxClients < 1:
		return fmt.Errorf("-max %d: must be 1 or more", c.maxClients)
	case c.queue < 1:
		return fmt.Errorf("-queue %d: must be 1 or more", c.queue)
	case c.sndbuf < 0:
		return fmt.Errorf("-sndbuf %d: must not be negative", c.sndbuf)
	case c.idle <= 0 || c.writeWait <= 0 || c.grace <= 0:
		return fmt.Errorf("-idle %v, -write %v, -grace %v: each must be positive", c.idle, c.writeWait, c.grace)
	}
	return nil
}

// message is what the room carries: a line with its newline, and the
// session that said it (0 for the server), which is not sent its own.
type message struct {
	from uint64
	line string
}

// server is the chat: its listener, its web page (nil without -http), its
// room, its sessions and what they share. The pieces that tasks on several
// workers touch are safe for it: the broadcast sender, the semaphore, the
// token, the set (only the accept loop and, after it ended, run use it)
// and the names, under namesMu.
type server struct {
	cfg      config
	l        *tcp.Listener
	web      *web
	log      *log.Logger
	room     *broadcast.Sender[message]
	slots    *lock.Semaphore // a permit per session
	stopping *cancel.Token   // cancelled at shutdown
	sessions group.Set[struct{}]
	lastID   atomic.Uint64

	// namesMu is a sync.Mutex and not a lock.Mutex: it is never held
	// across an await, and then the plain one is the cheaper.
	namesMu sync.Mutex
	names   map[string]bool // the names in use
}

// newServer makes the chat for line clients on l and, if hl is not nil,
// browsers on hl.
func newServer(cfg config, l, hl *tcp.Listener, logger *log.Logger) *server {
	room, own := broadcast.New[message](cfg.queue)
	own.Close() // each session subscribes; the room needs no receiver of its own
	s := &server{
		cfg: cfg, l: l, log: logger, room: room,
		slots:    lock.NewSemaphore(cfg.maxClients),
		stopping: cancel.New(),
		names:    make(map[string]bool),
	}
	if hl != nil {
		s.web = newWeb(hl, logger)
	}
	return s
}

// run serves until stop is ready (or accepting fails), then shuts down
// gracefully: it stops accepting, shuts the web server down, ends the
// sessions' reads, says goodbye through the room and closes it, waits up
// to the grace period for the sessions' writers to send what is left, and
// aborts the sessions still running. Its value is the error that made
// accepting fail, if any.
func (s *server) run(stop async.Future[os.Signal]) async.Future[error] {
	return async.Go(func(co *async.Co) error {
		// Losing the race cancels the accept loop, which closes the
		// listener, and the web server's: no client joins after this.
		first := async.Await(co, async.Select2(stop, async.Go(s.serve)))
		var err error
		if first.Index == 0 {
			s.log.Printf("%v: shutting down", first.V1)
		} else {
			err = first.V2
			s.log.Printf("%v: shutting down", err)
		}
		if s.web != nil {
			s.web.stop(co, s)
		}
		s.stopping.Cancel()
		s.room.Send(message{line: "* the server is shutting down, goodbye\n"})
		s.room.Close()
		if r := async.Await(co, timer.TimeoutValue(s.sessions.Wait(), s.cfg.grace)); r.Err != nil {
			s.log.Printf("%d sessions still running after %v: aborting them", s.sessions.Len(), s.cfg.grace)
			async.Await[struct{}](co, s.sessions.Shutdown())
		}
		s.log.Print("all sessions ended")
		return err
	})
}

// serve takes clients until it is cancelled or taking them fails: line
// clients, and browsers if there is a web page.
func (s *server) serve(co *async.Co) error {
	if s.web == nil {
		return s.accept(co)
	}
	e := async.Await(co, async.Select2(async.Go(s.accept), s.web.srv.Serve(s.web.l)))
	if e.Index == 0 {
		return e.V1
	}
	return fmt.Errorf("serving the page on %v: %w", s.web.l.Addr(), e.V2)
}

// arrival is what the accept loop waits for: a new client, a session
// that ended, or the failure that ends the loop.
type arrival struct {
	conn   lineConn // a new client's connection, if not nil
	reaped bool     // a session ended, with err
	err    error
}

// accept takes connections, a session task for each, until it is
// cancelled or accepting fails; meanwhile it reaps the sessions that end.
func (s *server) accept(co *async.Co) error {
	defer s.l.Close()
	for {
		switch a := async.Await(co, s.next()); {
		case a.reaped:
			s.reaped(a.err)
		case a.err != nil:
			return a.err
		default:
			s.sessions.Spawn(co.Context(), s.session(a.conn))
		}
	}
}

// next returns a future ready with the first to come of a line client, a
// browser (with a web page) and the end of a session (when any runs).
func (s *server) next() async.Future[arrival] {
	fs := []async.Future[arrival]{async.Map(s.l.Accept(), func(r async.Result[*tcp.Conn]) arrival {
		if r.Err != nil { // descriptors running out is waited out; this is not
			return arrival{err: fmt.Errorf("accepting on %v: %w", s.l.Addr(), r.Err)}
		}
		return arrival{conn: s.lineClient(r.Value)}
	})}
	if s.web != nil {
		fs = append(fs, async.Map[async.Result[*websocket.Conn]](s.web.arrived.Recv(), func(r async.Result[*websocket.Conn]) arrival {
			if r.Err != nil { // only if the web server's handle were closed
				return arrival{err: fmt.Errorf("taking browsers: %w", r.Err)}
			}
			return arrival{conn: &wsLines{conn: r.Value}}
		}))
	}
	if s.sessions.Len() > 0 {
		fs = append(fs, async.Map(async.Future[async.Result[struct{}]](s.sessions.Next()), func(r async.Result[struct{}]) arrival {
			return arrival{reaped: true, err: r.Err}
		}))
	}
	return async.Map(async.Select(fs...), func(e async.Selected[arrival]) arrival { return e.Value })
}

// lineClient makes a line client's connection ready for its session.
func (s *server) lineClient(c *tcp.Conn) lineConn {
	if s.cfg.sndbuf > 0 {
		// Bound what a client that does not read holds in the kernel;
		// what it cannot take then waits in the room's ring.
		if err := c.SetWriteBuffer(s.cfg.sndbuf); err != nil {
			s.log.Printf("%v: %v", c, err)
		}
	}
	return newTCPLines(c)
}

// reaped logs a session that ended badly.
func (s *server) reaped(err error) {
	if err != nil && !errors.Is(err, async.ErrAborted) {
		s.log.Printf("a session failed: %v", err)
	}
}

// say sends a line of the server's to the room.
func (s *server) say(format string, args ...any) {
	s.room.Send(message{line: "* " + fmt.Sprintf(format, args...) + "\n"})
}

// claim takes name for a session if nobody has it.
func (s *server) claim(name string) bool {
	s.namesMu.Lock()
	defer s.namesMu.Unlock()
	if s.names[name] {
		return false
	}
	s.names[name] = true
	return true
}

// release gives name back.
func (s *server) release(name string) {
	s.namesMu.Lock()
	delete(s.names, name)
	s.namesMu.Unlock()
}
