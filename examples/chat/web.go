package main

import (
	_ "embed"
	"log"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/mpsc"
	"github.com/asyncgo/async/tcp"
	"github.com/asyncgo/async/websocket"
)

// page is the chat's web page: HTML, CSS and JavaScript in one file, with
// nothing to build.
//
//go:embed page.html
var page []byte

// web serves the page at "/" and its WebSocket at "/ws" over HTTP/1.1.
// Each WebSocket, once upgraded, is handed to the accept loop through
// arrivals, so that the accept loop alone spawns and reaps sessions,
// whichever way their clients came.
type web struct {
	srv      *http1.Server
	l        *tcp.Listener
	upgrader websocket.Upgrader
	arrivals *mpsc.UnboundedSender[*websocket.Conn] // any handler's
	arrived  *mpsc.Receiver[*websocket.Conn]        // the accept loop's
}

func newWeb(l *tcp.Listener, logger *log.Logger) *web {
	w := &web{l: l}
	w.arrivals, w.arrived = mpsc.Unbounded[*websocket.Conn]()
	w.upgrader.MaxMessageSize = maxMessage
	w.srv = &http1.Server{Handler: w, ErrorLog: func(err error) { logger.Print(err) }}
	return w
}

// ServeHTTP1 answers a request: the page, the WebSocket, or 404.
func (w *web) ServeHTTP1(rw *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
	switch string(r.Path()) {
	case "/":
		if m := r.Method(); m != "GET" && m != "HEAD" {
			rw.Header().Set("Allow", "GET, HEAD")
			return plain(rw, 405, "405 method not allowed\n")
		}
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		rw.Header().Set("Cache-Control", "no-cache")
		return rw.Send(200, page)
	case "/ws":
		return w.upgrade(rw, r)
	}
	return plain(rw, 404, "404 page not found\n")
}

// plain answers with status and a line of text.
func plain(rw *http1.ResponseWriter, status int, text string) async.Future[struct{}] {
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	return rw.Send(status, []byte(text))
}

// upgrade takes the request's connection for a WebSocket and hands it to
// the accept loop; once the server has stopped taking clients, it closes
// the WebSocket instead, as the server closes its clients' at shutdown.
func (w *web) upgrade(rw *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
	return async.Do(func(co *async.Co) {
		c, err := async.Get(co, w.upgrader.Upgrade(rw, r))
		if err != nil {
			return // Upgrade has answered the request with why
		}
		if err := w.arrivals.Send(c); err != nil {
			async.Await(co, turnAway(c))
		}
	})
}

// turnAway closes a WebSocket that never joined the room because the
// server is shutting down.
func turnAway(c *websocket.Conn) async.Future[struct{}] {
	return async.Do(func(co *async.Co) {
		defer c.CloseNow()
		async.Await(co, c.Close(websocket.StatusGoingAway, "server shutting down"))
	})
}

// stop shuts the web server down at the start of the server's shutdown,
// once the accept loop has ended: a WebSocket upgraded from now on is
// turned away by its handler, and those the accept loop had not taken yet
// are turned away here, in the server's set of sessions, whose grace
// bounds them. The page's connections are let finish their request and
// closed.
func (w *web) stop(co *async.Co, s *server) {
	w.arrived.Close()
	for {
		c, err := w.arrived.TryRecv()
		if err != nil {
			break
		}
		s.sessions.Spawn(co.Context(), turnAway(c))
	}
	if err := async.Await(co, w.srv.Shutdown(s.cfg.grace)); err != nil {
		s.log.Printf("the web server: %v", err)
	}
}
