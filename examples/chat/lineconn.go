package main

import (
	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/tcp"
)

// lineConn is a client's connection as a session sees it: lines each way.
// What differs between a line client and a browser is only how a line
// travels, so a session is written once, against this: tcpLines carries
// lines ending in "\n" over TCP, wsLines carries one line per WebSocket
// text message.
//
// As with a tcp.Conn, one read (the session's) and one write (under the
// client's writing lock) may be in flight at once.
type lineConn interface {
	// readLine returns a future ready with the client's next line,
	// without its end, valid until the next readLine. A line longer than
	// maxLine is an error wrapping aio.ErrTooLong.
	readLine() async.Future[async.Result[[]byte]]
	// writeLine returns a future that sends line, which ends in "\n".
	writeLine(line string) async.Future[async.Result[int]]
	// close returns a future that ends the connection, telling the client
	// why if its protocol has a way to (a WebSocket's close frame).
	close(why ending) async.Future[error]
	// closeNow closes the socket at once; it never waits, so that a
	// session may defer it and be sure the socket is closed on every path,
	// an aborted session's included.
	closeNow()
	// String names the connection in logs.
	String() string
}

// ending is why a session ends, for the close of its connection. The
// line the client is told before, if any, is the session's to send.
type ending uint8

const (
	endGone     ending = iota // the client left or its connection failed: nothing to say
	endQuit                   // the client said /quit
	endShutdown               // the server is shutting down
	endFull                   // the server has no room for another client
	endSilent                 // the client was silent for -idle
	endSlow                   // the client fell behind and was dropped
	endTooLong                // the client sent a line over maxLine
	endNotText                // the client sent something that is not a line
)

// tcpLines is a line client's connection: lines end in "\n" (or "\r\n").
type tcpLines struct {
	conn  *tcp.Conn
	lines *aio.LineReader
}

func newTCPLines(c *tcp.Conn) *tcpLines {
	return &tcpLines{conn: c, lines: aio.NewLineReader(c, maxLine)}
}

func (t *tcpLines) readLine() async.Future[async.Result[[]byte]] { return t.lines.Next() }

func (t *tcpLines) writeLine(line string) async.Future[async.Result[int]] {
	return t.conn.WriteAll([]byte(line))
}

// close closes the connection: TCP has no way to say why, and the session
// has said it in a line.
func (t *tcpLines) close(ending) async.Future[error] { return async.Ready(t.conn.Close()) }

func (t *tcpLines) closeNow() { t.conn.Close() }

func (t *tcpLines) String() string { return t.conn.String() }

// notLineError is the error of a read that got something other than a
// line: a binary WebSocket message, or a text message with a line break,
// which would let its sender forge lines of the server's for the others.
type notLineError struct{ what string }

func (e *notLineError) Error() string { return e.what }
