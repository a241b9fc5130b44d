package websocket

import (
	"encoding/binary"
	"errors"
	"io"
	"time"
	"unicode/utf8"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/reactor"
)

// Message is a data message: its kind and its payload. A message read by
// ReadMessage holds its Data until the next read: copy it to keep it.
type Message struct {
	Type MessageType
	Data []byte
}

// readTimer is the read side's timer and the keep-alive's clock.
type readTimer struct {
	t        reactor.Timer
	armed    bool
	lastRecv int64 // when bytes last arrived, Unix ns
	pingAt   int64 // when the keep-alive ping went out, if unanswered; 0 if none
}

// reader is the read side's state: the bytes read but not parsed, the
// frame and message in progress, and the keep-alive timer.
type reader struct {
	buf      []byte // borrowed from the pool; nil while nothing is buffered
	pos, end int    // the unparsed bytes are buf[pos:end]

	hdr       frameHeader // the data frame being read
	remaining int64       // of hdr's payload
	size      int         // the message's payload so far, as sent
	msg       []byte      // ReadMessage's payload; the compressed bytes if compressed

	ctl    *controlWrite // the control frames the read side writes; made at the first
	timer  *readTimer    // keep-alive, and the wait to answer a close; made at the first use
	stream *streamRead   // made at the first NextReader

	// Small fields last, packed together.
	utf8       utf8State
	maskPos    uint8 // where in the masking key hdr's payload is
	msgType    MessageType
	read       bool // this poll read the socket, and so took the budget's unit
	inFrame    bool // hdr's payload is being read
	inMessage  bool // a data message has begun and not ended
	compressed bool
	closing    bool // the peer's close frame came: answer it and end
}

// streamRead holds the futures of NextReader, which few connections use.
type streamRead struct {
	mr    MessageReader
	nextF nextReader
}

// ReadMessage returns a future that reads the next data message whole.
// It is ready with the message, or with an error: a *CloseError once the
// peer closed the connection (Remote), or once this end closed it
// because the peer broke the protocol or a limit, with the code it sent;
// ErrClosed after Close or CloseNow. After an error, every read fails
// with the same error.
//
// Cancelling it loses nothing: what it had read of a message stays, and
// the next read goes on from there.
func (c *Conn) ReadMessage() async.Future[async.Result[Message]] {
	return (*readMessage)(c)
}

// readMessage is the future of ReadMessage: the Conn itself, whose read
// side holds all the state.
type readMessage Conn

func (f *readMessage) Poll(cx *async.Context) (r async.Result[Message], ready bool) {
	c := (*Conn)(f)
	entered, ok, err := c.enterRead(cx, false)
	if !entered {
		return r, false
	}
	defer func() { c.leaveRead(ready) }()
	if err != nil {
		return async.Err[Message](err), true
	}
	if !ok {
		return r, false
	}
	return c.readWhole(cx)
}

// readWhole reads on to the end of the message, with the read side
// entered.
func (c *Conn) readWhole(cx *async.Context) (async.Result[Message], bool) {
	rd := &c.rd
	if !rd.inMessage {
		rd.msg = rd.msg[:0]
	}
	for {
		if !rd.inFrame {
			if ok, err := c.nextDataFrame(cx); err != nil {
				return async.Err[Message](c.endRead(cx, err)), true
			} else if !ok {
				return async.Result[Message]{}, false
			}
		}
		rd.msg = grow(rd.msg, int(rd.remaining), c.pool)
		for rd.inFrame {
			dst := rd.msg[len(rd.msg):cap(rd.msg)]
			n, ok, err := c.payload(cx, dst)
			rd.msg = rd.msg[:len(rd.msg)+n]
			if err != nil {
				return async.Err[Message](c.endRead(cx, err)), true
			}
			if !ok {
				return async.Result[Message]{}, false
			}
		}
		if rd.hdr.fin {
			m, err := c.finishMessage()
			if err != nil {
				return async.Err[Message](c.endRead(cx, err)), true
			}
			return async.Ok(m), true
		}
	}
}

// Cancel keeps what was read; the next read goes on from there.
func (f *readMessage) Cancel() { (*Conn)(f).cancelRead() }

// grow makes room in b for n more bytes, borrowing a pool buffer for a
// message that fits in one.
func grow(b []byte, n int, p *bufPool) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	if b == nil && n <= bufSize {
		return p.get()[:0]
	}
	nb := make([]byte, len(b), len(b)+max(n, len(b)))
	copy(nb, b)
	p.put(b)
	return nb
}

// enterRead lets one poll at a time into the read side: a read of the
// caller's, or Close reading for the peer's close frame when no read is in
// flight (byClose). A read of the caller's that finds Close reading takes
// over, and Close goes back to waiting for it. On a multi-thread executor
// two polls may come at once; the second waits for the first to leave
// (entered is false). A poll that entered then begins (see beginRead),
// and must leaveRead.
func (c *Conn) enterRead(cx *async.Context, byClose bool) (entered, ready bool, err error) {
	c.mu.Lock()
	sh := &c.sh
	if sh.readBusy || byClose && sh.reading {
		if byClose {
			sh.opWaiter = cx.Waker()
		} else {
			sh.readWaiter = cx.Waker()
		}
		c.mu.Unlock()
		return false, false, nil
	}
	sh.readBusy = true
	var w async.Waker
	if byClose {
		sh.closeReads = true
	} else {
		sh.reading = true
		if sh.closeReads {
			sh.closeReads = false
			w, sh.opWaiter = sh.opWaiter, nil
		}
	}
	// What the poll must know of the shared state, read under the same
	// lock: one lock to enter, one to leave, on the path of every read.
	ended, owed := sh.err, sh.pongDue || sh.pingDue || sh.closeDue
	c.mu.Unlock()
	if w != nil {
		w.Wake() // Close, to go back to waiting
	}
	ready, err = c.beginRead(cx, ended, owed)
	return true, ready, err
}

// beginRead starts a poll of the read side: it fails if the connection
// has ended, answers a close frame in progress, sends the control frames
// owed, and runs the keep-alive.
func (c *Conn) beginRead(cx *async.Context, ended error, owed bool) (bool, error) {
	rd := &c.rd
	rd.read = false
	if ended != nil {
		return false, ended
	}
	if rd.closing {
		return false, c.answerClose(cx)
	}
	if owed || rd.ctl != nil && rd.ctl.write != nil {
		if ok, err := c.sendControl(cx, false); err != nil {
			return false, c.endRead(cx, err)
		} else if !ok {
			return false, nil
		}
	}
	if c.lim.ping > 0 {
		if err := c.keepAlive(cx); err != nil {
			return false, c.endRead(cx, err)
		}
	}
	return true, nil
}

// leaveRead ends a poll of the read side, and wakes a read waiting to
// enter. done says the read is over (ready): its keep-alive timer stops
// until the next read, and no read of the caller's is in flight.
func (c *Conn) leaveRead(done bool) {
	if done {
		c.stopTimer()
	}
	c.mu.Lock()
	c.sh.readBusy = false
	if done {
		c.sh.reading = false
	}
	w := c.sh.readWaiter
	c.sh.readWaiter = nil
	c.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// cancelRead is the Cancel of a read of the caller's: if it was in flight,
// its state stays for the next read, and its waits end (see abandonRead).
// One never polled, or already ready, leaves the read side alone: Close
// may be reading.
func (c *Conn) cancelRead() {
	c.mu.Lock()
	inFlight := c.sh.reading
	c.mu.Unlock()
	if inFlight {
		c.abandonRead()
	}
}

// abandonRead ends the waits of the read in flight: the socket's read
// gives its waker back, and the control frame it was writing, if any, is
// cut short. What was read stays for the next read.
func (c *Conn) abandonRead() {
	c.s.Read(nil).Cancel()
	rd := &c.rd
	if w := rd.ctl; w != nil && w.write != nil {
		w.write.Cancel()
		w.write = nil
		if w.sent > 0 {
			// Part of a frame is out: the stream cannot go on.
			c.failed(errors.New("websocket: read cancelled while a control frame was half written"))
			c.closeSocket()
		}
		c.releaseControl()
	}
	c.stopTimer()
	c.mu.Lock()
	c.sh.reading = false
	c.mu.Unlock()
}

// nextDataFrame reads frame headers until one of a data frame, handling
// the control frames on the way, and checks it.
func (c *Conn) nextDataFrame(cx *async.Context) (bool, error) {
	rd := &c.rd
	for {
		if !rd.inMessage && rd.pos < rd.end && !rd.read && !cx.Proceed() {
			// A message served from the buffer costs a unit of the
			// budget, as a read would: a peer that sends without end must
			// not keep the worker.
			cx.Waker().Wake()
			return false, nil
		}
		var h frameHeader
		n, err := parseHeader(rd.buf[rd.pos:rd.end], &h)
		if err != nil {
			return false, err
		}
		if n > 0 && h.op.control() && rd.end-rd.pos < n+int(min(h.length, maxControlPayload+1)) {
			n = 0 // a control frame is handled whole: wait for its payload
		}
		if n == 0 {
			if ok, err := c.fill(cx); !ok || err != nil {
				return ok, err
			}
			continue
		}
		if err := c.checkFrame(&h); err != nil {
			return false, err
		}
		rd.pos += n
		if h.op.control() {
			payload := rd.buf[rd.pos : rd.pos+int(h.length)]
			rd.pos += len(payload)
			if h.masked {
				mask(h.key, 0, payload)
			}
			if err := c.control(cx, h.op, payload); err != nil {
				return false, err
			}
			if rd.closing {
				return false, c.answerClose(cx)
			}
			continue
		}
		c.beginFrame(&h)
		return true, nil
	}
}

// checkFrame applies RFC 6455's rules to a frame header: section 5.1 on
// masking, 5.2 on reserved bits and opcodes, 5.4 on fragments, 5.5 on
// control frames, and this end's limits.
func (c *Conn) checkFrame(h *frameHeader) error {
	rd := &c.rd
	switch {
	case h.masked == c.client && c.client:
		return protocolError("masked frame from the server")
	case h.masked == c.client:
		return protocolError("unmasked frame from the client")
	}
	rsv := h.rsv
	if rsv&rsv1Bit != 0 && c.z != nil && (h.op == opText || h.op == opBinary) {
		rsv &^= rsv1Bit // a compressed message
	}
	if rsv != 0 {
		return protocolError("reserved bits %#x set in a %v frame", h.rsv>>4, h.op)
	}
	switch h.op {
	case opPing, opPong, opClose:
		if !h.fin {
			return protocolError("fragmented %v frame", h.op)
		}
		if h.length > maxControlPayload {
			return protocolError("%v frame of %d bytes, over %d", h.op, h.length, maxControlPayload)
		}
		return nil
	case opText, opBinary:
		if rd.inMessage {
			return protocolError("%v frame inside a fragmented message", h.op)
		}
	case opContinuation:
		if !rd.inMessage {
			return protocolError("continuation frame without a message to continue")
		}
	default:
		return protocolError("reserved opcode %#x", uint8(h.op))
	}
	if h.length > int64(c.lim.maxFrame) {
		return failure(StatusMessageTooBig, "frame of %d bytes, over the limit of %d", h.length, c.lim.maxFrame)
	}
	size := int64(h.length)
	if h.op == opContinuation {
		size += int64(rd.size)
	}
	if size > int64(c.lim.maxMessage) {
		return failure(StatusMessageTooBig, "message of %d bytes or more, over the limit of %d", size, c.lim.maxMessage)
	}
	return nil
}

// beginFrame begins reading the payload of the data frame h.
func (c *Conn) beginFrame(h *frameHeader) {
	rd := &c.rd
	if h.op != opContinuation {
		rd.inMessage = true
		rd.msgType = MessageType(h.op)
		rd.compressed = h.rsv&rsv1Bit != 0
		rd.utf8.reset()
		rd.size = 0
	}
	rd.hdr = *h
	rd.remaining = h.length
	rd.maskPos = 0
	rd.size += int(h.length)
	rd.inFrame = h.length > 0
}

// payload reads the current frame's payload into dst, up to the end of
// the frame, and reports how much it read. A frame's end sets inFrame to
// false.
func (c *Conn) payload(cx *async.Context, dst []byte) (int, bool, error) {
	rd := &c.rd
	want := int(min(int64(len(dst)), rd.remaining))
	if want == 0 {
		if len(dst) == 0 {
			return 0, true, nil
		}
		rd.inFrame = false
		return 0, true, nil
	}
	dst = dst[:want]
	var n int
	if rd.pos == rd.end && want < bufSize/2 {
		// A short rest of a payload: fill the buffer, which may catch
		// the frames after it in the same read.
		if ok, err := c.fill(cx); !ok || err != nil {
			return 0, ok, err
		}
	}
	if rd.pos < rd.end {
		n = copy(dst, rd.buf[rd.pos:rd.end])
		rd.pos += n
	} else {
		var ok bool
		var err error
		if n, ok, err = c.readDirect(cx, dst); !ok || err != nil {
			return 0, ok, err
		}
	}
	p := dst[:n]
	if rd.hdr.masked {
		rd.maskPos = uint8(mask(rd.hdr.key, int(rd.maskPos), p))
	}
	if rd.msgType == Text && !rd.compressed && !rd.utf8.valid(p) {
		return n, true, failure(StatusInvalidPayload, "text message is not UTF-8")
	}
	rd.remaining -= int64(n)
	if rd.remaining == 0 {
		rd.inFrame = false
	}
	return n, true, nil
}

// finishMessage ends the message whose last frame was read: it inflates a
// compressed one and checks that text is UTF-8.
func (c *Conn) finishMessage() (Message, error) {
	rd := &c.rd
	rd.inMessage = false
	m := Message{Type: rd.msgType, Data: rd.msg}
	if rd.compressed {
		plain, err := c.z.infl.inflate(c.z.plain[:0], rd.msg, c.lim.maxMessage)
		c.z.plain = plain
		switch {
		case errors.Is(err, errInflateTooBig):
			return Message{}, failure(StatusMessageTooBig, "compressed message inflates past the limit of %d bytes", c.lim.maxMessage)
		case err != nil:
			return Message{}, failure(StatusInvalidPayload, "compressed message: %v", err)
		}
		m.Data = plain
		if m.Type == Text && !utf8.Valid(plain) {
			return Message{}, failure(StatusInvalidPayload, "text message is not UTF-8")
		}
		return m, nil
	}
	if m.Type == Text && !rd.utf8.complete() {
		return Message{}, failure(StatusInvalidPayload, "text message ends inside a UTF-8 sequence")
	}
	return m, nil
}

// fill reads more bytes into the buffer, borrowing one if need be. A
// read that must wait gives the buffer back if it holds nothing, so an
// idle connection holds no buffer.
func (c *Conn) fill(cx *async.Context) (bool, error) {
	rd := &c.rd
	switch {
	case rd.buf == nil:
		rd.buf = c.pool.get()
	case rd.pos > 0:
		rd.end = copy(rd.buf, rd.buf[rd.pos:rd.end])
		rd.pos = 0
	}
	r, ok := c.s.Read(rd.buf[rd.end:]).Poll(cx)
	if !ok {
		c.idle()
		return false, nil
	}
	if err := c.received(cx, r); err != nil {
		return false, err
	}
	rd.end += r.Value
	return true, nil
}

// readDirect reads payload straight into dst, past the buffer.
func (c *Conn) readDirect(cx *async.Context, dst []byte) (int, bool, error) {
	r, ok := c.s.Read(dst).Poll(cx)
	if !ok {
		c.idle()
		return 0, false, nil
	}
	if err := c.received(cx, r); err != nil {
		return 0, false, err
	}
	return r.Value, true, nil
}

// received notes a read's outcome: bytes arrived (the keep-alive hears
// the peer), or the stream ended or failed.
func (c *Conn) received(cx *async.Context, r async.Result[int]) error {
	rd := &c.rd
	rd.read = true
	if r.Err == nil && r.Value > 0 {
		if t := rd.timer; t != nil && c.lim.ping > 0 {
			t.lastRecv = c.r.Now().UnixNano()
			t.pingAt = 0
		}
		return nil
	}
	err := r.Err
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if ended := c.ended(); ended != nil {
		return ended // closed by this end meanwhile
	}
	return &CloseError{Code: StatusAbnormalClosure, Reason: "connection ended without a close frame: " + err.Error(), Remote: true}
}

// idle gives the read buffer back when it holds nothing, and the message
// buffer when no message is in progress.
func (c *Conn) idle() {
	rd := &c.rd
	if rd.buf != nil && rd.pos == rd.end {
		c.pool.put(rd.buf)
		rd.buf, rd.pos, rd.end = nil, 0, 0
	}
	if !rd.inMessage && rd.msg != nil {
		c.pool.put(rd.msg)
		rd.msg = nil
	}
	if z := c.z; z != nil && !rd.inMessage && cap(z.plain) > largePayload {
		z.plain = nil // a large inflated message is not kept for the next
	}
}

// endRead fails the connection with err: if this end found the fault (a
// *CloseError not from the peer), it tells the peer with a close frame
// when it can do so at once; then it closes the socket. It returns the
// error every read now returns.
func (c *Conn) endRead(cx *async.Context, err error) error {
	c.stopTimer()
	var ce *CloseError
	if errors.As(err, &ce) && !ce.Remote {
		c.tryClose(cx, ce.Code, ce.Reason)
	}
	err = c.failed(err)
	c.closeSocket()
	c.mu.Lock()
	c.sh.reading = false
	c.mu.Unlock()
	return err
}

// control handles a control frame from the peer.
func (c *Conn) control(cx *async.Context, op opcode, payload []byte) error {
	switch op {
	case opPing:
		c.mu.Lock()
		if c.sh.pong == nil {
			c.sh.pong = new(pongPayload)
		}
		c.sh.pong.n = copy(c.sh.pong.b[:], payload)
		c.sh.pongDue = true
		c.mu.Unlock()
		_, err := c.sendControl(cx, false)
		return err
	case opPong:
		// The keep-alive heard the peer when the bytes came; a Ping may
		// wait for this one.
		c.mu.Lock()
		var w async.Waker
		if p := c.sh.pingWait; p != nil && !c.sh.pongCame && string(payload) == string(p.data[:p.n]) {
			c.sh.pongCame = true
			w, c.sh.opWaiter = c.sh.opWaiter, nil
		}
		c.mu.Unlock()
		if w != nil {
			w.Wake()
		}
		return nil
	}
	ce := &CloseError{Code: StatusNoStatus, Remote: true}
	switch {
	case len(payload) == 1:
		return protocolError("close frame with a 1-byte payload")
	case len(payload) >= 2:
		ce.Code = StatusCode(binary.BigEndian.Uint16(payload))
		if !ce.Code.sendable() {
			return protocolError("close frame with code %d", uint16(ce.Code))
		}
		if !utf8.Valid(payload[2:]) {
			return failure(StatusInvalidPayload, "close reason is not UTF-8")
		}
		ce.Reason = string(payload[2:])
	}
	c.mu.Lock()
	c.sh.closeRecv = ce
	if !c.sh.closeSent {
		c.sh.closeDue = true
		c.sh.closeCode = ce.Code
	}
	c.mu.Unlock()
	c.rd.closing = true
	return nil
}

// answerClose finishes a close the peer began: our close frame goes out
// (if it was not out already), the socket closes, and the read fails with
// the peer's CloseError.
func (c *Conn) answerClose(cx *async.Context) error {
	if c.lim.closeWait > 0 && (c.rd.timer == nil || !c.rd.timer.armed) {
		c.armTimer(cx, c.r.Now().Add(c.lim.closeWait))
	}
	ok, err := c.sendControl(cx, true)
	if !ok && err == nil && !c.timerFired(cx) {
		return nil // pending
	}
	c.mu.Lock()
	ce := c.sh.closeRecv
	if c.sh.err == nil {
		c.sh.err = ce
	}
	err = c.sh.err
	c.mu.Unlock()
	c.rd.closing = false
	c.stopTimer()
	c.closeSocket()
	return err
}

// closePayload appends a close frame's payload: the code, if it is one
// that is sent, and the reason.
func closePayload(b []byte, code StatusCode, reason string) []byte {
	if code == StatusNoStatus || code == 0 {
		return b
	}
	b = binary.BigEndian.AppendUint16(b, uint16(code))
	return append(b, truncateReason(reason)...)
}

// keepAlive sends a ping once the peer has been quiet for PingInterval
// and fails the read if it stays quiet PongTimeout longer.
func (c *Conn) keepAlive(cx *async.Context) error {
	t := c.readTimer()
	now := c.r.Now().UnixNano()
	if t.lastRecv == 0 {
		t.lastRecv = now
	}
	for {
		if t.pingAt != 0 {
			due := t.pingAt + int64(c.lim.pong)
			if now >= due {
				return &CloseError{Code: StatusAbnormalClosure, Reason: "keep-alive: the peer did not answer a ping within " + c.lim.pong.String(), Remote: true}
			}
			if c.armTimer(cx, time.Unix(0, due)) {
				continue
			}
			return nil
		}
		due := t.lastRecv + int64(c.lim.ping)
		if now < due {
			if c.armTimer(cx, time.Unix(0, due)) {
				continue
			}
			return nil
		}
		t.pingAt = now
		c.mu.Lock()
		c.sh.pingDue = true
		c.mu.Unlock()
		if _, err := c.sendControl(cx, false); err != nil {
			return err
		}
	}
}

// readTimer returns the read side's timer, made at the first use.
func (c *Conn) readTimer() *readTimer {
	if c.rd.timer == nil {
		c.rd.timer = new(readTimer)
	}
	return c.rd.timer
}

// armTimer arms the read side's timer for deadline and reports true if
// the deadline has passed.
func (c *Conn) armTimer(cx *async.Context, deadline time.Time) bool {
	t := c.readTimer()
	expired := c.r.StartTimer(&t.t, deadline, cx.Waker())
	t.armed = !expired
	return expired
}

func (c *Conn) timerFired(cx *async.Context) bool {
	t := c.rd.timer
	return t != nil && t.armed && c.r.PollTimer(&t.t, cx.Waker())
}

func (c *Conn) stopTimer() {
	if t := c.rd.timer; t != nil && t.armed {
		c.r.StopTimer(&t.t)
		t.armed = false
	}
}
