package browser

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/timer"
	"github.com/asyncgo/async/websocket"
)

// cdp is a client of the Chrome DevTools Protocol: JSON messages over a
// WebSocket to the browser (https://chromedevtools.github.io/devtools-protocol/).
// A command is {id, method, params}, with the sessionId of the page it is
// for once a page is attached (Target.attachToTarget with flatten, so that
// every page speaks over the browser's one WebSocket); its answer carries
// the same id and a result or an error. Everything else that arrives is
// an event, which these tests never need: call reads past them.
//
// A cdp belongs to one coroutine, and calls one command at a time.
type cdp struct {
	conn   *websocket.Conn
	lastID int64
}

// cdpCommand is a message to the browser.
type cdpCommand struct {
	ID        int64  `json:"id"`
	Method    string `json:"method"`
	Params    any    `json:"params,omitempty"`
	SessionID string `json:"sessionId,omitempty"`
}

// cdpAnswer is a message from the browser: an answer (ID not 0) or an
// event (Method set).
type cdpAnswer struct {
	ID     int64           `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  *cdpError       `json:"error"`
}

// cdpError is the error a command was answered with.
type cdpError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    string `json:"data"`
}

func (e *cdpError) Error() string {
	if e.Data != "" {
		return fmt.Sprintf("%s (%d): %s", e.Message, e.Code, e.Data)
	}
	return fmt.Sprintf("%s (%d)", e.Message, e.Code)
}

// cdpPatience bounds the wait for one answer.
const cdpPatience = 30 * time.Second

// dialCDP connects to the browser's DevTools WebSocket at url.
func dialCDP(co *async.Co, url string) (*cdp, error) {
	c, err := async.Get(co, timer.Timeout(websocket.Dial(url), cdpPatience))
	if err != nil {
		return nil, fmt.Errorf("dialling the DevTools at %s: %w", url, err)
	}
	return &cdp{conn: c}, nil
}

// call sends method with params to the page of session ("" for the
// browser) and decodes the result into result, unless it is nil.
func (c *cdp) call(co *async.Co, session, method string, params, result any) error {
	c.lastID++
	id := c.lastID
	msg, err := json.Marshal(cdpCommand{ID: id, Method: method, Params: params, SessionID: session})
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	if _, err := async.Get(co, timer.TimeoutValue(c.conn.WriteMessage(websocket.Text, msg), cdpPatience)); err != nil {
		return fmt.Errorf("sending %s: %w", method, err)
	}
	for {
		m, err := async.Get(co, timer.Timeout(c.conn.ReadMessage(), cdpPatience))
		if err != nil {
			return fmt.Errorf("waiting for the answer to %s: %w", method, err)
		}
		var a cdpAnswer
		if err := json.Unmarshal(m.Data, &a); err != nil {
			return fmt.Errorf("waiting for the answer to %s: the browser sent %.200q: %w", method, m.Data, err)
		}
		switch {
		case a.ID != id: // an event, or nothing of ours
			continue
		case a.Error != nil:
			return fmt.Errorf("%s: %w", method, a.Error)
		case result != nil:
			if err := json.Unmarshal(a.Result, result); err != nil {
				return fmt.Errorf("%s answered %.200q: %w", method, a.Result, err)
			}
		}
		return nil
	}
}

// close ends the connection with a close handshake.
func (c *cdp) close(co *async.Co) error {
	defer c.conn.CloseNow()
	return async.Await(co, c.conn.Close(websocket.StatusNormalClosure, ""))
}

// page is a tab of the browser, attached to the client.
type page struct {
	c       *cdp
	session string
	name    string // for failures
}

// openPage opens a new tab on about:blank and attaches to it.
func (c *cdp) openPage(co *async.Co, name string) (*page, error) {
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := c.call(co, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		return nil, err
	}
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	err := c.call(co, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached)
	if err != nil {
		return nil, err
	}
	return &page{c: c, session: attached.SessionID, name: name}, nil
}

// call sends a command to the page.
func (p *page) call(co *async.Co, method string, params, result any) error {
	if err := p.c.call(co, p.session, method, params, result); err != nil {
		return fmt.Errorf("page %s: %w", p.name, err)
	}
	return nil
}

// eval evaluates a JavaScript expression in the page and decodes its
// value, unless result is nil. A thrown exception is an error.
func (p *page) eval(co *async.Co, expr string, result any) error {
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := p.call(co, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &r); err != nil {
		return err
	}
	if e := r.ExceptionDetails; e != nil {
		return fmt.Errorf("page %s: %s threw %s %s", p.name, expr, e.Text, e.Exception.Description)
	}
	if result != nil && r.Result.Value != nil {
		if err := json.Unmarshal(r.Result.Value, result); err != nil {
			return fmt.Errorf("page %s: %s is %s: %w", p.name, expr, r.Result.Value, err)
		}
	}
	return nil
}

// waitFor evaluates cond, a JavaScript expression, every tenth of a
// second until it is true, for at most patience; what says what is
// awaited, for the error.
func (p *page) waitFor(co *async.Co, what, cond string) error {
	deadline := time.Now().Add(patience)
	for {
		var ok bool
		if err := p.eval(co, cond, &ok); err != nil {
			return err
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			var text string
			p.eval(co, `document.body ? document.body.innerText : ""`, &text)
			return fmt.Errorf("page %s: no %s within %v (%s); the page reads:\n%s", p.name, what, patience, cond, text)
		}
		async.Await(co, timer.Sleep(100*time.Millisecond))
	}
}
