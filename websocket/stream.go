package websocket

import (
	"errors"
	"io"

	"github.com/asyncgo/async"
)

// MessageReader reads one message as its frames arrive (an aio.Reader),
// for a message too large to hold whole. A compressed message is the
// exception: it is inflated whole (within MaxMessageSize) before its
// first byte is returned.
type MessageReader struct {
	c     *Conn
	typ   MessageType
	whole bool   // the message was compressed: plain holds it, inflated
	plain []byte //
	ppos  int
	done  bool
	rf    messageRead
}

// Type is the message's kind.
func (m *MessageReader) Type() MessageType { return m.typ }

// NextReader returns a future that waits for the next data message and
// is ready with a reader of it. Read the message to io.EOF before asking
// for the next. Errors are ReadMessage's.
func (c *Conn) NextReader() async.Future[async.Result[*MessageReader]] {
	if c.rd.stream == nil {
		c.rd.stream = new(streamRead)
	}
	c.rd.stream.nextF.c = c
	return &c.rd.stream.nextF
}

type nextReader struct{ c *Conn }

func (f *nextReader) Poll(cx *async.Context) (r async.Result[*MessageReader], ready bool) {
	c := f.c
	rd := &c.rd
	entered, ok, err := c.enterRead(cx, false)
	if !entered {
		return r, false
	}
	defer func() { c.leaveRead(ready) }()
	if mr := &rd.stream.mr; rd.inMessage && !rd.compressed && mr.c != nil && !mr.done {
		return async.Err[*MessageReader](errors.New("websocket: NextReader before the previous message was read to its end")), true
	}
	if err != nil {
		return async.Err[*MessageReader](err), true
	}
	if !ok {
		return r, false
	}
	if !rd.inMessage {
		if ok, err := c.nextDataFrame(cx); err != nil {
			return async.Err[*MessageReader](c.endRead(cx, err)), true
		} else if !ok {
			return async.Result[*MessageReader]{}, false
		}
	}
	mr := &rd.stream.mr
	if rd.compressed {
		// Read the rest whole, as ReadMessage does, and serve the
		// inflated bytes.
		m, ok := c.readWhole(cx)
		if !ok {
			return r, false
		}
		if m.Err != nil {
			return async.Err[*MessageReader](m.Err), true
		}
		*mr = MessageReader{c: c, typ: m.Value.Type, whole: true, plain: m.Value.Data}
	} else {
		*mr = MessageReader{c: c, typ: rd.msgType}
	}
	mr.rf.m = mr
	return async.Ok(mr), true
}

// Cancel keeps what was read, as ReadMessage's Cancel does.
func (f *nextReader) Cancel() { f.c.cancelRead() }

// Read returns a future that reads the message's next bytes into p: ready
// with n > 0, or 0 and io.EOF at the message's end, or an error.
func (m *MessageReader) Read(p []byte) async.Future[async.Result[int]] {
	m.rf.p = p
	return &m.rf
}

type messageRead struct {
	m *MessageReader
	p []byte
}

func (f *messageRead) Poll(cx *async.Context) (r async.Result[int], ready bool) {
	m := f.m
	c := m.c
	if m.done {
		return async.Result[int]{Err: io.EOF}, true
	}
	if m.whole {
		n := copy(f.p, m.plain[m.ppos:])
		m.ppos += n
		if m.ppos == len(m.plain) {
			m.done = true
			if n == 0 {
				return async.Result[int]{Err: io.EOF}, true
			}
		}
		return async.Result[int]{Value: n}, true
	}
	entered, ok, err := c.enterRead(cx, false)
	if !entered {
		return r, false
	}
	defer func() { c.leaveRead(ready) }()
	if err != nil {
		return async.Result[int]{Err: err}, true
	}
	if !ok {
		return r, false
	}
	rd := &c.rd
	for {
		if rd.inFrame {
			n, ok, err := c.payload(cx, f.p)
			if err != nil {
				return async.Result[int]{Err: c.endRead(cx, err)}, true
			}
			if !ok {
				return async.Result[int]{}, false
			}
			if n > 0 || len(f.p) == 0 {
				return async.Result[int]{Value: n}, true
			}
			continue
		}
		if rd.hdr.fin {
			if _, err := c.finishMessage(); err != nil {
				return async.Result[int]{Err: c.endRead(cx, err)}, true
			}
			m.done = true
			return async.Result[int]{Err: io.EOF}, true
		}
		if ok, err := c.nextDataFrame(cx); err != nil {
			return async.Result[int]{Err: c.endRead(cx, err)}, true
		} else if !ok {
			return async.Result[int]{}, false
		}
	}
}

// Cancel keeps what was read.
func (f *messageRead) Cancel() { f.m.c.cancelRead() }

// MessageWriter writes one message in frames (an aio.Writer): each Write
// sends its bytes as one frame, and Close sends the last. Control frames
// may go out between them. Messages written this way are not compressed.
type MessageWriter struct {
	c  *Conn
	op opcode // the next frame's: the message's type, then continuation
	wf messageWrite
	cf messageClose
}

// NextWriter starts a message of type t, to be written in frames by the
// MessageWriter's Writes and ended by its Close. No other message may be
// written until then.
func (c *Conn) NextWriter(t MessageType) *MessageWriter {
	mw := &c.wr.extra().mw
	*mw = MessageWriter{c: c, op: opcode(t)}
	mw.wf.mw, mw.cf.mw = mw, mw
	c.wr.streaming = true
	return mw
}

// Write returns a future that sends p as the message's next frame and is
// ready with len(p) once the socket took it, or with an error.
func (mw *MessageWriter) Write(p []byte) async.Future[async.Result[int]] {
	mw.wf.p, mw.wf.inner = p, nil
	return &mw.wf
}

// Close returns a future that sends the message's last frame.
func (mw *MessageWriter) Close() async.Future[error] {
	mw.cf.inner = nil
	return &mw.cf
}

type messageWrite struct {
	mw    *MessageWriter
	p     []byte
	inner *frameWrite
}

func (f *messageWrite) Poll(cx *async.Context) (async.Result[int], bool) {
	mw := f.mw
	if !mw.c.wr.streaming {
		return async.Result[int]{Err: errors.New("websocket: Write to a MessageWriter after its Close")}, true
	}
	if f.inner == nil {
		f.inner = mw.c.writeFrame(mw.op, false, f.p)
	}
	err, ok := f.inner.Poll(cx)
	if !ok {
		return async.Result[int]{}, false
	}
	f.inner = nil
	if err != nil {
		return async.Result[int]{Err: err}, true
	}
	mw.op = opContinuation
	return async.Result[int]{Value: len(f.p)}, true
}

func (f *messageWrite) Cancel() {
	if f.inner != nil {
		f.inner.Cancel()
		f.inner = nil
	}
}

type messageClose struct {
	mw    *MessageWriter
	inner *frameWrite
}

func (f *messageClose) Poll(cx *async.Context) (error, bool) {
	mw := f.mw
	if !mw.c.wr.streaming {
		return errors.New("websocket: MessageWriter closed twice"), true
	}
	if f.inner == nil {
		f.inner = mw.c.writeFrame(mw.op, true, nil)
	}
	err, ok := f.inner.Poll(cx)
	if !ok {
		return nil, false
	}
	f.inner = nil
	mw.c.wr.streaming = false
	return err, true
}

func (f *messageClose) Cancel() {
	if f.inner != nil {
		f.inner.Cancel()
		f.inner = nil
	}
}
