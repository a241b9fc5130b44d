package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/websocket"
)

// maxMessage is the largest WebSocket message the server reads at all. A
// message longer than maxLine but within it is refused as a line client's
// long line is, with a line saying so; a longer one the websocket package
// refuses itself, closing with 1009, and then nothing can be said first.
const maxMessage = 4 * maxLine

// wsLines is a browser's connection: each line is one WebSocket text
// message, without its "\n".
type wsLines struct {
	conn *websocket.Conn
}

func (w *wsLines) readLine() async.Future[async.Result[[]byte]] {
	return async.Map(w.conn.ReadMessage(), func(r async.Result[websocket.Message]) async.Result[[]byte] {
		m, err := r.Get()
		switch {
		case err != nil:
			if ce := (*websocket.CloseError)(nil); errors.As(err, &ce) && ce.Code == websocket.StatusMessageTooBig && !ce.Remote {
				err = fmt.Errorf("%w: %v", aio.ErrTooLong, err)
			}
			return async.Err[[]byte](err)
		case m.Type != websocket.Text:
			return async.Err[[]byte](&notLineError{"messages are text"})
		case len(m.Data) > maxLine:
			return async.Err[[]byte](fmt.Errorf("a message of %d bytes: %w", len(m.Data), aio.ErrTooLong))
		case bytes.ContainsAny(m.Data, "\r\n"):
			return async.Err[[]byte](&notLineError{"a message is one line, without line breaks"})
		}
		return async.Ok(m.Data)
	})
}

func (w *wsLines) writeLine(line string) async.Future[async.Result[int]] {
	line = strings.TrimSuffix(line, "\n")
	return async.Map(w.conn.WriteMessage(websocket.Text, []byte(line)), func(err error) async.Result[int] {
		if err != nil {
			return async.Err[int](err)
		}
		return async.Ok(len(line))
	})
}

// statusTryAgainLater is the close code for a server that is too busy now
// (registered with IANA after RFC 6455; the websocket package has no name
// for it).
const statusTryAgainLater websocket.StatusCode = 1013

// close ends the connection with a close frame whose code and reason say
// why, once the session has said it in a line; a client that is gone
// gets no close frame.
func (w *wsLines) close(why ending) async.Future[error] {
	var code websocket.StatusCode
	var reason string
	switch why {
	case endGone:
		return async.Ready(w.conn.CloseNow())
	case endQuit:
		code, reason = websocket.StatusNormalClosure, "goodbye"
	case endShutdown:
		code, reason = websocket.StatusGoingAway, "server shutting down"
	case endFull:
		code, reason = statusTryAgainLater, "server full"
	case endSilent:
		code, reason = websocket.StatusPolicyViolation, "silent too long"
	case endSlow:
		code, reason = websocket.StatusPolicyViolation, "too slow"
	case endTooLong:
		code, reason = websocket.StatusMessageTooBig, "line too long"
	case endNotText:
		code, reason = websocket.StatusUnsupportedData, "not a line"
	}
	return w.conn.Close(code, reason)
}

func (w *wsLines) closeNow() { w.conn.CloseNow() }

func (w *wsLines) String() string {
	return fmt.Sprintf("websocket %v->%v", w.conn.LocalAddr(), w.conn.RemoteAddr())
}
