package oneshot

// Exhaustive interleaving tests of the channel's state word (state.go), in
// the spirit of tokio's loom.
//
// The sender and the receiver run on the test's goroutine, and an explorer
// picks which takes its next step, trying every choice depth first. A step
// is one atomic operation of the real code (a transition method of
// state.go, each one read-modify-write or compare-and-swap loop, or a load
// of the state word), one plain access to a slot (value, rxWaker,
// txWaker), or a call of a waker. Send, Close, Closed's Poll and Cancel,
// the receiver's poll and its Cancel are written out here step by step as
// sender.go and receiver.go make them, on a real channel;
// TestStateModelMatchesChannel checks the step-by-step version against the
// real methods.
//
// Besides what each side gets, the model tracks happens-before: every
// atomic operation on the state word acquires what its earlier writes
// released, and a write of it releases what its actor has seen (all writes
// of the word are read-modify-writes, so each one carries those before it).
// A plain access of a slot that the other side's last conflicting access
// does not happen before is a data race: that checks that no waker slot is
// read while the other side may write it, and the same for the value.

import (
	"errors"
	"fmt"
	"github.com/asyncgo/async/internal/model"
	"testing"

	"github.com/asyncgo/async"
)

// --- Happens-before ---

// The two actors, and the plain memory locations they share.
const (
	tx = 0 // the sender (and its Closed future)
	rx = 1 // the receiver

	locValue    = 0
	locRxWaker  = 1
	locTxWaker  = 2
	locations   = 3
	noWriter    = -1
	modelValue  = 7 // what the sender sends
	modelWakers = 4 // waker ids per side: 1..3
)

var locNames = [locations]string{"value", "rxWaker", "txWaker"}

// hbLoc is what is known of one location: which plain accesses happen
// before each actor's next step, and before the state word's last write.
type hbLoc struct {
	writer   int8       // the actor of the last write, or noWriter (made by New)
	wSeen    [2]bool    // the last write happens before actor i's next step
	wInState bool       // ... before the state word's last write
	read     [2]bool    // actor i read since the last write
	rSeen    [2][2]bool // actor i's last read happens before actor j's next step
	rInState [2]bool    // ... before the state word's last write
}

type hb [locations]hbLoc

func newHB() hb {
	var h hb
	for i := range h {
		h[i].writer = noWriter
	}
	return h
}

// atomic is an operation of actor a on the state word: it acquires what
// the word's writes released, and if it writes the word it releases what a
// has seen.
func (h *hb) atomic(a int, write bool) {
	for i := range h {
		l := &h[i]
		if l.wInState {
			l.wSeen[a] = true
		}
		for r := range l.read {
			if l.rInState[r] {
				l.rSeen[r][a] = true
			}
		}
		if write {
			l.wInState = l.wInState || l.wSeen[a]
			for r := range l.read {
				l.rInState[r] = l.rInState[r] || l.rSeen[r][a]
			}
		}
	}
}

// load records a plain read of loc by actor a, and store a plain write;
// each fails on a data race: a conflicting access by the other actor that
// does not happen before this one. Only an actor's last read matters: its
// earlier ones happen before it.
func (h *hb) load(a, loc int) error {
	l := &h[loc]
	if l.writer != noWriter && !l.wSeen[a] {
		return fmt.Errorf("data race: %s reads %s, written by %s without happens-before", actorNames[a], locNames[loc], actorNames[l.writer])
	}
	l.read[a] = true
	l.rSeen[a] = [2]bool{}
	l.rSeen[a][a] = true
	l.rInState[a] = false
	return nil
}

func (h *hb) store(a, loc int) error {
	l := &h[loc]
	if l.writer != noWriter && !l.wSeen[a] {
		return fmt.Errorf("data race: %s writes %s, written by %s without happens-before", actorNames[a], locNames[loc], actorNames[l.writer])
	}
	for r := range l.read {
		if l.read[r] && !l.rSeen[r][a] {
			return fmt.Errorf("data race: %s writes %s, read by %s without happens-before", actorNames[a], locNames[loc], actorNames[r])
		}
	}
	*l = hbLoc{writer: int8(a)}
	l.wSeen[a] = true
	return nil
}

var actorNames = [2]string{"the sender", "the receiver"}

// --- The model ---

// osPC is where an actor is: idle between operations, or the step next.
type osPC uint8

const (
	osIdle osPC = iota

	// Sender.Send
	sendLoad  // st := c.state.Load()
	sendWrite // c.value = v
	sendCAS   // c.transitionToSent()
	sendClear // failed: c.value = zero
	// Sender.Close
	closeOr // c.transitionToTxDone()
	// wakeReceiver
	wakeRxRead  // w := c.rxWaker
	wakeRxClear // c.rxWaker = nil
	wakeRxCall  // w.Wake()
	// closedFuture.Poll
	closedLoad   // st := c.state.Load()
	closedClear  // c.clearWaiting(txWaiting, rxDone)
	closedWrite  // c.txWaker = cx.Waker()
	closedSet    // c.setWaiting(txWaiting)
	closedUnset  // RX_DONE came first: c.txWaker = nil
	closedCLoad  // Cancel: c.state.Load()
	closedCClear // Cancel: c.clearWaiting(txWaiting, rxDone)
	closedCWrite // Cancel: c.txWaker = nil

	// channel.poll
	recvLoad  // st := c.state.Load()
	recvClear // c.clearWaiting(rxWaiting, txDone)
	recvWrite // c.rxWaker = w
	recvSet   // c.setWaiting(rxWaiting)
	recvUnset // TX_DONE came first: c.rxWaker = nil
	// take
	takeRead // v := c.value
	takeZero // c.value = zero
	takeRxOr // c.transitionToRxDone()
	// Receiver.Cancel
	cancelOr     // c.transitionToRxDone()
	cancelZero   // the slot is ours: c.value = zero
	cancelUnwait // c.rxWaker = nil
	// wakeClosed
	wakeTxRead  // w := c.txWaker
	wakeTxClear // c.txWaker = nil
	wakeTxCall  // w.Wake()
)

var osPCNames = [...]string{
	sendLoad:     "Send: state.Load()",
	sendWrite:    "Send: value = v",
	sendCAS:      "Send: transitionToSent",
	sendClear:    "Send: value = zero",
	closeOr:      "Close: transitionToTxDone",
	wakeRxRead:   "wakeReceiver: w := rxWaker",
	wakeRxClear:  "wakeReceiver: rxWaker = nil",
	wakeRxCall:   "wakeReceiver: w.Wake()",
	closedLoad:   "Closed.Poll: state.Load()",
	closedClear:  "Closed.Poll: clearWaiting(TX_WAITING)",
	closedWrite:  "Closed.Poll: txWaker = w",
	closedSet:    "Closed.Poll: setWaiting(TX_WAITING)",
	closedUnset:  "Closed.Poll: txWaker = nil",
	closedCLoad:  "Closed.Cancel: state.Load()",
	closedCClear: "Closed.Cancel: clearWaiting(TX_WAITING)",
	closedCWrite: "Closed.Cancel: txWaker = nil",
	recvLoad:     "Poll: state.Load()",
	recvClear:    "Poll: clearWaiting(RX_WAITING)",
	recvWrite:    "Poll: rxWaker = w",
	recvSet:      "Poll: setWaiting(RX_WAITING)",
	recvUnset:    "Poll: rxWaker = nil",
	takeRead:     "take: v := value",
	takeZero:     "take: value = zero",
	takeRxOr:     "take: transitionToRxDone",
	cancelOr:     "Cancel: transitionToRxDone",
	cancelZero:   "Cancel: value = zero",
	cancelUnwait: "Cancel: rxWaker = nil",
	wakeTxRead:   "wakeClosed: w := txWaker",
	wakeTxClear:  "wakeClosed: txWaker = nil",
	wakeTxCall:   "wakeClosed: w.Wake()",
}

// osOutcome is the result of an operation, for keys.
type osOutcome uint8

const (
	outNone         osOutcome = iota
	outOK                     // Send: nil; poll: the value
	outPending                // poll, Closed: pending
	outReady                  // Closed: ready
	outSenderGone             // ErrSenderGone
	outReceiverGone           // ErrReceiverGone
	outSenderUsed             // ErrSenderUsed
)

// osActor is one side: the operation in progress and its locals.
type osActor struct {
	pc   osPC
	op   osPC   // the operation's first step: which operation it is
	prev uint32 // what a transition returned, for the steps after it
	v    int    // the value take read
	held int8   // the id of the waker a wake step read (the Waker is in oneshotWorld.held)
	res  osOutcome
}

// osModel is the state of the actors and the model's bookkeeping.
type osModel struct {
	s, r osActor

	// The sender.
	sends, closes int8 // operations begun
	sent          bool // transitionToSent succeeded
	sendRes       osOutcome
	closedPolls   int8
	closed        osOutcome // the Closed future: outPending, outReady, or outNone (not polled, or cancelled)
	closedDone    bool      // ready or cancelled: not polled again

	// The receiver.
	polls     int8
	got       osOutcome // outPending, or the poll's result
	cancelled bool

	// Wakers: which is published (its side has set the waiting bit after
	// writing it, and not taken it back), which the other side owes a wake
	// (it finished while the waker was published), and how often each was
	// woken.
	rxPub, txPub   int8
	rxOwed, txOwed int8
	rxWoken        [modelWakers]int8
	txWoken        [modelWakers]int8

	hb hb
}

// stateModelConfig says what each side may do. Each Send and Close is made
// at most once, in either order; polls may come spuriously, before a wake.
type stateModelConfig struct {
	send, close  bool // the sender sends, closes
	closedPolls  int8 // polls of the sender's Closed future
	closedCancel bool // the Closed future may be cancelled while pending
	recvPolls    int8 // polls of the receiver
	recvCancel   bool // the receiver may cancel, at any time
}

// oneshotWorld is one run: a real channel and the model.
type oneshotWorld struct {
	cfg   *stateModelConfig
	c     *channel[int]
	m     osModel
	held  [2]async.Waker // the wakers the wake steps read
	moved []osMove
	names []string
}

// osWaker is a waker of one side, numbered by the poll that gave it.
type osWaker struct {
	w    *oneshotWorld
	side int8
	id   int8
}

func (k osWaker) Wake() { k.w.woken(k) }

func newOneshotWorld(cfg *stateModelConfig) *oneshotWorld {
	s, _ := New[int]()
	w := &oneshotWorld{cfg: cfg, c: (*channel[int])(s)}
	w.m.hb = newHB()
	return w
}

// wakerID maps a Waker in a slot to its side and id (0 for nil).
func wakerID(k async.Waker) (side, id int8) {
	if k == nil {
		return -1, 0
	}
	ow := k.(osWaker)
	return ow.side, ow.id
}

func (w *oneshotWorld) remap(k async.Waker) async.Waker {
	if k == nil {
		return nil
	}
	ow := k.(osWaker)
	ow.w = w
	return ow
}

func (w *oneshotWorld) Clone() model.World[osKey] {
	n := &oneshotWorld{cfg: w.cfg, m: w.m}
	n.c = new(channel[int])
	n.c.state.Store(w.c.state.Load())
	n.c.value = w.c.value
	n.c.rxWaker = n.remap(w.c.rxWaker)
	n.c.txWaker = n.remap(w.c.txWaker)
	n.held = [2]async.Waker{n.remap(w.held[0]), n.remap(w.held[1])}
	return n
}

// osKey is a world's whole state.
type osKey struct {
	m               osModel
	state           uint32
	value           int
	rxSide, rxWaker int8
	txSide, txWaker int8
	heldTx, heldRx  int8
}

func (w *oneshotWorld) Key() osKey {
	k := osKey{m: w.m, state: w.c.state.Load(), value: w.c.value}
	k.rxSide, k.rxWaker = wakerID(w.c.rxWaker)
	k.txSide, k.txWaker = wakerID(w.c.txWaker)
	_, k.heldTx = wakerID(w.held[tx])
	_, k.heldRx = wakerID(w.held[rx])
	return k
}

// osMove is a move: an actor begins an operation (op, its first step) or
// takes its next step.
type osMove struct {
	side int8
	op   osPC // for a beginning: the operation's first step
}

func (w *oneshotWorld) Moves() []string {
	w.moved, w.names = w.moved[:0], w.names[:0]
	add := func(side int8, op osPC, name string) {
		w.moved = append(w.moved, osMove{side, op})
		w.names = append(w.names, name)
	}
	m, cfg := &w.m, w.cfg
	if m.s.pc != osIdle {
		add(tx, 0, "sender: "+osPCNames[m.s.pc])
	} else {
		if cfg.send && m.sends == 0 {
			add(tx, sendLoad, "sender: "+osPCNames[sendLoad])
		}
		if cfg.close && m.closes == 0 {
			add(tx, closeOr, "sender: "+osPCNames[closeOr])
		}
		if !m.closedDone && m.closedPolls < cfg.closedPolls {
			add(tx, closedLoad, "sender: "+osPCNames[closedLoad])
		}
		if !m.closedDone && cfg.closedCancel && m.closed == outPending {
			add(tx, closedCLoad, "sender: "+osPCNames[closedCLoad])
		}
	}
	if m.r.pc != osIdle {
		add(rx, 0, "receiver: "+osPCNames[m.r.pc])
	} else {
		if (m.got == outNone || m.got == outPending) && !m.cancelled && m.polls < cfg.recvPolls {
			add(rx, recvLoad, "receiver: "+osPCNames[recvLoad])
		}
		if cfg.recvCancel && !m.cancelled {
			add(rx, cancelOr, "receiver: "+osPCNames[cancelOr])
		}
	}
	return w.names
}

func (w *oneshotWorld) Take(i int) error {
	if err := w.move(w.moved[i]); err != nil {
		return err
	}
	return w.check()
}

// move makes mv: begins an operation, or makes an actor's next step.
func (w *oneshotWorld) move(mv osMove) error {
	a := &w.m.s
	if mv.side == rx {
		a = &w.m.r
	}
	if mv.op != 0 {
		*a = osActor{pc: mv.op, op: mv.op}
		switch mv.op {
		case sendLoad:
			w.m.sends++
		case closeOr:
			w.m.closes++
		case closedLoad:
			w.m.closedPolls++
		case recvLoad:
			w.m.polls++
		}
	}
	if mv.side == tx {
		return w.sender(a)
	}
	return w.receiver(a)
}

// sender makes the sender's next step.
func (w *oneshotWorld) sender(a *osActor) error {
	m, c, h := &w.m, w.c, &w.m.hb
	switch a.pc {
	case sendLoad:
		st := c.state.Load()
		h.atomic(tx, false)
		switch {
		case st&txDone != 0:
			return w.sendDone(a, outSenderUsed)
		case st&rxDone != 0:
			return w.sendDone(a, outReceiverGone)
		}
		a.pc = sendWrite
	case sendWrite:
		if err := h.store(tx, locValue); err != nil {
			return err
		}
		c.value = modelValue
		a.pc = sendCAS
	case sendCAS:
		prev, ok := c.transitionToSent()
		h.atomic(tx, ok)
		if !ok {
			a.pc = sendClear
			break
		}
		m.sent = true
		if err := w.txDone(prev); err != nil {
			return err
		}
		a.res = outOK
		w.wakeReceiver(a, prev)
	case sendClear:
		if err := h.store(tx, locValue); err != nil {
			return err
		}
		c.value = 0
		return w.sendDone(a, outReceiverGone)
	case closeOr:
		prev, ok := c.transitionToTxDone()
		h.atomic(tx, true)
		if !ok {
			a.pc = osIdle
			break
		}
		if err := w.txDone(prev); err != nil {
			return err
		}
		w.wakeReceiver(a, prev)
	case wakeRxRead:
		if err := h.load(tx, locRxWaker); err != nil {
			return err
		}
		w.held[tx] = c.rxWaker
		_, a.held = wakerID(c.rxWaker)
		a.pc = wakeRxClear
	case wakeRxClear:
		if err := h.store(tx, locRxWaker); err != nil {
			return err
		}
		c.rxWaker = nil
		a.pc = wakeRxCall
	case wakeRxCall:
		k := w.held[tx]
		w.held[tx], a.held = nil, 0
		if k == nil {
			return errors.New("wakeReceiver read a nil rxWaker")
		}
		k.Wake()
		if a.op == sendLoad {
			return w.sendDone(a, a.res)
		}
		a.pc = osIdle

	case closedLoad:
		st := c.state.Load()
		h.atomic(tx, false)
		switch {
		case st&rxDone != 0:
			return w.closedDone(a, outReady)
		case st&txWaiting != 0:
			a.pc = closedClear
		default:
			a.pc = closedWrite
		}
	case closedClear:
		_, ok := c.clearWaiting(txWaiting, rxDone)
		h.atomic(tx, ok)
		if !ok {
			return w.closedDone(a, outReady)
		}
		m.txPub = 0 // taken back
		a.pc = closedWrite
	case closedWrite:
		if err := h.store(tx, locTxWaker); err != nil {
			return err
		}
		c.txWaker = osWaker{w, tx, m.closedPolls}
		a.pc = closedSet
	case closedSet:
		prev := c.setWaiting(txWaiting)
		h.atomic(tx, true)
		if prev&rxDone != 0 {
			a.pc = closedUnset
			break
		}
		m.txPub = m.closedPolls
		return w.closedDone(a, outPending)
	case closedUnset:
		if err := h.store(tx, locTxWaker); err != nil {
			return err
		}
		c.txWaker = nil
		return w.closedDone(a, outReady)
	case closedCLoad:
		st := c.state.Load()
		h.atomic(tx, false)
		if st&txWaiting == 0 {
			return w.closedDone(a, outNone)
		}
		a.pc = closedCClear
	case closedCClear:
		_, ok := c.clearWaiting(txWaiting, rxDone)
		h.atomic(tx, ok)
		if !ok {
			return w.closedDone(a, outNone)
		}
		m.txPub = 0
		a.pc = closedCWrite
	case closedCWrite:
		if err := h.store(tx, locTxWaker); err != nil {
			return err
		}
		c.txWaker = nil
		return w.closedDone(a, outNone)
	default:
		return fmt.Errorf("sender at step %d", a.pc)
	}
	return nil
}

// wakeReceiver is the sender's wakeReceiver(prev).
func (w *oneshotWorld) wakeReceiver(a *osActor, prev uint32) {
	switch {
	case prev&(rxWaiting|rxDone) == rxWaiting:
		a.pc = wakeRxRead
	case a.op == sendLoad:
		w.sendDone(a, a.res)
	default:
		a.pc = osIdle
	}
}

// txDone checks what the sender's setting TX_DONE hands over: if the
// receiver has a waker published, the sender now owes it a wake.
func (w *oneshotWorld) txDone(prev uint32) error {
	m := &w.m
	if prev&rxDone != 0 {
		return nil
	}
	if (prev&rxWaiting != 0) != (m.rxPub != 0) {
		return fmt.Errorf("TX_DONE over state %s, but the receiver's published waker is %d", stateString(prev), m.rxPub)
	}
	m.rxOwed = m.rxPub
	return nil
}

// sendDone ends a Send with its result and checks it.
func (w *oneshotWorld) sendDone(a *osActor, res osOutcome) error {
	m := &w.m
	a.pc, m.sendRes = osIdle, res
	switch {
	case res == outReceiverGone && !m.cancelled:
		return errors.New("Send failed with ErrReceiverGone, but the receiver was not cancelled")
	case res == outReceiverGone && m.got == outOK:
		return errors.New("Send failed, but the receiver got the value")
	case res == outSenderUsed && m.closes == 0:
		return errors.New("Send failed with ErrSenderUsed before any Close")
	}
	return nil
}

// closedDone ends a poll of Closed, or its Cancel (res outNone).
func (w *oneshotWorld) closedDone(a *osActor, res osOutcome) error {
	m := &w.m
	cancel := a.op == closedCLoad
	a.pc = osIdle
	m.closed = res
	m.closedDone = cancel || res == outReady
	if res == outReady && w.c.state.Load()&rxDone == 0 {
		return errors.New("Closed is ready but RX_DONE is not set")
	}
	return nil
}

// receiver makes the receiver's next step.
func (w *oneshotWorld) receiver(a *osActor) error {
	m, c, h := &w.m, w.c, &w.m.hb
	switch a.pc {
	case recvLoad:
		st := c.state.Load()
		h.atomic(rx, false)
		switch {
		case st&rxDone != 0:
			return w.recvDone(a, outReceiverGone)
		case st&txDone != 0:
			return w.takeValue(a, st)
		case st&rxWaiting != 0:
			a.pc = recvClear
		default:
			a.pc = recvWrite
		}
	case recvClear:
		prev, ok := c.clearWaiting(rxWaiting, txDone)
		h.atomic(rx, ok)
		if !ok {
			return w.takeValue(a, prev)
		}
		m.rxPub = 0 // taken back
		a.pc = recvWrite
	case recvWrite:
		if err := h.store(rx, locRxWaker); err != nil {
			return err
		}
		c.rxWaker = osWaker{w, rx, m.polls}
		a.pc = recvSet
	case recvSet:
		prev := c.setWaiting(rxWaiting)
		h.atomic(rx, true)
		if prev&txDone != 0 {
			a.prev, a.pc = prev, recvUnset
			break
		}
		m.rxPub = m.polls
		return w.recvDone(a, outPending)
	case recvUnset:
		if err := h.store(rx, locRxWaker); err != nil {
			return err
		}
		c.rxWaker = nil
		return w.takeValue(a, a.prev)
	case takeRead:
		if err := h.load(rx, locValue); err != nil {
			return err
		}
		a.v = c.value
		a.pc = takeZero
	case takeZero:
		if err := h.store(rx, locValue); err != nil {
			return err
		}
		c.value = 0
		a.pc = takeRxOr
	case takeRxOr:
		prev := c.transitionToRxDone()
		h.atomic(rx, true)
		if err := w.rxDone(prev); err != nil {
			return err
		}
		a.res = outOK
		return w.wakeClosed(a, prev)
	case cancelOr:
		prev := c.transitionToRxDone()
		h.atomic(rx, true)
		if prev&rxDone != 0 {
			a.pc = osIdle
			m.cancelled = true
			return nil
		}
		m.cancelled = true
		if err := w.rxDone(prev); err != nil {
			return err
		}
		a.prev = prev
		switch {
		case prev&txDone != 0:
			a.pc = cancelZero
		case prev&rxWaiting != 0:
			m.rxPub = 0 // the sender will see RX_DONE and leave it
			a.pc = cancelUnwait
		default:
			return w.wakeClosed(a, prev)
		}
	case cancelZero:
		if err := h.store(rx, locValue); err != nil {
			return err
		}
		c.value = 0
		return w.wakeClosed(a, a.prev)
	case cancelUnwait:
		if err := h.store(rx, locRxWaker); err != nil {
			return err
		}
		c.rxWaker = nil
		return w.wakeClosed(a, a.prev)
	case wakeTxRead:
		if err := h.load(rx, locTxWaker); err != nil {
			return err
		}
		w.held[rx] = c.txWaker
		_, a.held = wakerID(c.txWaker)
		a.pc = wakeTxClear
	case wakeTxClear:
		if err := h.store(rx, locTxWaker); err != nil {
			return err
		}
		c.txWaker = nil
		a.pc = wakeTxCall
	case wakeTxCall:
		k := w.held[rx]
		w.held[rx], a.held = nil, 0
		if k == nil {
			return errors.New("wakeClosed read a nil txWaker")
		}
		k.Wake()
		if a.op == recvLoad {
			return w.recvDone(a, a.res)
		}
		a.pc = osIdle
	default:
		return fmt.Errorf("receiver at step %d", a.pc)
	}
	return nil
}

// takeValue is the receiver's take(st), st having TX_DONE.
func (w *oneshotWorld) takeValue(a *osActor, st uint32) error {
	if st&valueSent == 0 {
		return w.recvDone(a, outSenderGone)
	}
	a.pc = takeRead
	return nil
}

// wakeClosed is the receiver's wakeClosed(prev).
func (w *oneshotWorld) wakeClosed(a *osActor, prev uint32) error {
	switch {
	case prev&(txWaiting|rxDone) == txWaiting:
		a.pc = wakeTxRead
	case a.op == recvLoad:
		return w.recvDone(a, a.res)
	default:
		a.pc = osIdle
	}
	return nil
}

// rxDone checks what the receiver's setting RX_DONE hands over: if the
// Closed future has a waker published, the receiver now owes it a wake.
func (w *oneshotWorld) rxDone(prev uint32) error {
	m := &w.m
	if (prev&txWaiting != 0) != (m.txPub != 0) && prev&rxDone == 0 {
		return fmt.Errorf("RX_DONE over state %s, but the Closed future's published waker is %d", stateString(prev), m.txPub)
	}
	m.txOwed = m.txPub
	return nil
}

// recvDone ends a poll with its result and checks it.
func (w *oneshotWorld) recvDone(a *osActor, res osOutcome) error {
	m := &w.m
	a.pc, m.got = osIdle, res
	switch {
	case res == outOK && a.v != modelValue:
		return fmt.Errorf("the receiver got %d, want %d", a.v, modelValue)
	case res == outOK && !m.sent:
		return errors.New("the receiver got a value that was not sent")
	case res == outSenderGone && (m.sent || m.closes == 0):
		return fmt.Errorf("the receiver got ErrSenderGone, but the sender sent %v, closed %d times", m.sent, m.closes)
	case res == outReceiverGone:
		return errors.New("the receiver got ErrReceiverGone from a poll before it finished")
	}
	return nil
}

// woken records a waker's call and checks that it was owed.
func (w *oneshotWorld) woken(k osWaker) {
	m := &w.m
	if k.side == rx {
		m.rxWoken[k.id]++
		if k.id != m.rxOwed {
			m.rxWoken[0]++ // flags the fault for check
		}
		m.rxOwed = 0
		return
	}
	m.txWoken[k.id]++
	if k.id != m.txOwed {
		m.txWoken[0]++
	}
	m.txOwed = 0
}

// check verifies the invariants that hold after every step (the data races
// and the owed wakes are checked as the steps are made).
func (w *oneshotWorld) check() error {
	m := &w.m
	switch {
	case m.rxWoken[0] > 0:
		return errors.New("the sender woke a receiver waker it did not owe a wake")
	case m.txWoken[0] > 0:
		return errors.New("the receiver woke a Closed waker it did not owe a wake")
	}
	for id := 1; id < modelWakers; id++ {
		if m.rxWoken[id] > 1 || m.txWoken[id] > 1 {
			return fmt.Errorf("waker %d woken more than once", id)
		}
	}
	return nil
}

// final verifies a run's end: no wake owed and not made (a lost wakeup),
// a side left waiting woken if the other has finished, nothing kept alive
// in a slot that nobody will take.
func (w *oneshotWorld) Final() error {
	m, c := &w.m, w.c
	st := c.state.Load()
	_, rxw := wakerID(c.rxWaker)
	_, txw := wakerID(c.txWaker)
	switch {
	case m.rxOwed != 0:
		return fmt.Errorf("the receiver's waker %d is owed a wake that never came: a lost wakeup", m.rxOwed)
	case m.txOwed != 0:
		return fmt.Errorf("the Closed future's waker %d is owed a wake that never came: a lost wakeup", m.txOwed)
	case m.got == outPending && !m.cancelled && st&txDone != 0 && m.rxWoken[m.polls] == 0:
		return fmt.Errorf("the receiver waits on waker %d, the sender has finished, and it was never woken", m.polls)
	case m.closed == outPending && !m.closedDone && st&rxDone != 0 && m.txWoken[m.closedPolls] == 0:
		return fmt.Errorf("the Closed future waits on waker %d, the receiver is gone, and it was never woken", m.closedPolls)
	case (m.got == outOK || m.cancelled || m.sendRes == outReceiverGone) && c.value != 0:
		return fmt.Errorf("the value slot holds %d, which nobody will take", c.value)
	case rxw != 0 && st&(rxWaiting|txDone|rxDone) != rxWaiting:
		return fmt.Errorf("rxWaker %d is kept in state %s: nobody will release it", rxw, stateString(st))
	case txw != 0 && (st&(txWaiting|rxDone) != txWaiting || m.closedDone):
		return fmt.Errorf("txWaker %d is kept in state %s: nobody will release it", txw, stateString(st))
	}
	return nil
}

// stateModelCases are the explorations of TestStateModel: each way the
// sender can finish, with and without its Closed future (polled twice,
// cancelled), against a receiver polled up to three times, spuriously or
// when woken, which may cancel at any moment.
func stateModelCases() []struct {
	name string
	cfg  stateModelConfig
} {
	return []struct {
		name string
		cfg  stateModelConfig
	}{
		{"send", stateModelConfig{send: true, recvPolls: 3, recvCancel: true}},
		{"close", stateModelConfig{close: true, recvPolls: 3, recvCancel: true}},
		{"send+close", stateModelConfig{send: true, close: true, recvPolls: 3, recvCancel: true}},
		{"closed+send", stateModelConfig{send: true, closedPolls: 2, closedCancel: true, recvPolls: 3, recvCancel: true}},
		{"closed+close", stateModelConfig{close: true, closedPolls: 2, closedCancel: true, recvPolls: 3, recvCancel: true}},
		{"closed+send+close", stateModelConfig{send: true, close: true, closedPolls: 3, closedCancel: true, recvPolls: 3, recvCancel: true}},
	}
}

// TestStateModel explores every interleaving of the sender (Send, Close,
// and polls of its Closed future and their Cancel) with the receiver (polls
// with a new waker each time, and Cancel), one atomic operation or slot
// access at a time, and checks: no data race on the value or either waker
// slot; the value is delivered exactly once when Send succeeds (unless the
// receiver cancels, which drops it), and never when Send fails; a stored
// waker is woken exactly when its side is waiting and the other finishes,
// once, and no other waker is; nothing stays in a slot nobody will clear.
func TestStateModel(t *testing.T) {
	for _, c := range stateModelCases() {
		t.Run(c.name, func(t *testing.T) {
			st, err := model.Explore(func() model.World[osKey] { return newOneshotWorld(&c.cfg) }, true)
			t.Logf("%s: %v", c.name, st)
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestStateModelKeysAreWhole explores a case without the memo, every
// interleaving to its end, and checks that it counts as many as with it.
func TestStateModelKeysAreWhole(t *testing.T) {
	cfg := stateModelConfig{send: true, closedPolls: 1, recvPolls: 1, recvCancel: true}
	memo, err := model.Explore(func() model.World[osKey] { return newOneshotWorld(&cfg) }, true)
	if err != nil {
		t.Fatal(err)
	}
	all, err := model.Explore(func() model.World[osKey] { return newOneshotWorld(&cfg) }, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("with the memo %v; without %v", memo, all)
	if memo != all {
		t.Errorf("with the memo %v; without %v", memo, all)
	}
}

// realWaker is a waker of the real channel in TestStateModelMatchesChannel.
type realWaker struct {
	woken *[2][modelWakers]int8
	side  int8
	id    int8
}

func (k realWaker) Wake() { k.woken[k.side][k.id]++ }

// TestStateModelMatchesChannel checks the model's operations, written out
// step by step, against the real methods: every sequence of up to seven
// whole operations (Send, Close, Closed's Poll and Cancel, the receiver's
// Poll and Cancel) must give the same results and leave the same state
// word, value, waker slots and wakes.
func TestStateModelMatchesChannel(t *testing.T) {
	cfg := stateModelConfig{send: true, close: true, closedPolls: 3, closedCancel: true, recvPolls: 3, recvCancel: true}
	n := 0
	var run func(ops []osMove)
	run = func(ops []osMove) {
		w := newOneshotWorld(&cfg)
		s, r := New[int]()
		var woken [2][modelWakers]int8
		for i, op := range ops {
			// The model: begin the operation, then step it to its end.
			w.Moves()
			mi := -1
			for j, mv := range w.moved {
				if mv == op {
					mi = j
				}
			}
			if mi < 0 {
				return // not enabled here
			}
			if err := w.Take(mi); err != nil {
				t.Fatalf("%v: %v", ops[:i+1], err)
			}
			for (op.side == tx && w.m.s.pc != osIdle) || (op.side == rx && w.m.r.pc != osIdle) {
				w.Moves()
				for j, mv := range w.moved {
					if mv == (osMove{side: op.side}) {
						mi = j
					}
				}
				if err := w.Take(mi); err != nil {
					t.Fatalf("%v: %v", ops[:i+1], err)
				}
			}
			// The real channel.
			var res, want osOutcome
			switch op.op {
			case sendLoad:
				switch err := s.Send(modelValue); err {
				case nil:
					res = outOK
				case ErrReceiverGone:
					res = outReceiverGone
				case ErrSenderUsed:
					res = outSenderUsed
				}
				want = w.m.sendRes
			case closeOr:
				s.Close()
			case closedLoad:
				res = outPending
				if _, ok := s.Closed().Poll(handContext(realWaker{&woken, tx, w.m.closedPolls})); ok {
					res = outReady
				}
				want = w.m.closed
			case closedCLoad:
				s.Closed().Cancel()
			case recvLoad:
				got, ok := r.Poll(handContext(realWaker{&woken, rx, w.m.polls}))
				switch {
				case !ok:
					res = outPending
				case got.Err == nil && got.Value == modelValue:
					res = outOK
				case got.Err == ErrSenderGone:
					res = outSenderGone
				case got.Err == ErrReceiverGone:
					res = outReceiverGone
				}
				want = w.m.got
			case cancelOr:
				r.Cancel()
			}
			c := (*channel[int])(s)
			_, rxw := wakerID(w.c.rxWaker)
			_, txw := wakerID(w.c.txWaker)
			var realRx, realTx int8
			if k, ok := c.rxWaker.(realWaker); ok {
				realRx = k.id
			}
			if k, ok := c.txWaker.(realWaker); ok {
				realTx = k.id
			}
			model := [2][modelWakers]int8{w.m.txWoken, w.m.rxWoken}
			switch {
			case res != want:
				t.Fatalf("%v: the real operation gave %d, the model %d", ops[:i+1], res, want)
			case c.state.Load() != w.c.state.Load():
				t.Fatalf("%v: real state %s, model %s", ops[:i+1], stateString(c.state.Load()), stateString(w.c.state.Load()))
			case c.value != w.c.value || realRx != rxw || realTx != txw:
				t.Fatalf("%v: real value %d, wakers %d %d; model %d, %d %d", ops[:i+1], c.value, realRx, realTx, w.c.value, rxw, txw)
			case woken != model:
				t.Fatalf("%v: real wakes %v, model %v", ops[:i+1], woken, model)
			}
		}
		n++
		if len(ops) == 7 {
			return
		}
		for _, op := range []osPC{sendLoad, closeOr, closedLoad, closedCLoad, recvLoad, cancelOr} {
			side := int8(tx)
			if op == recvLoad || op == cancelOr {
				side = rx
			}
			run(append(ops[:len(ops):len(ops)], osMove{side, op}))
		}
	}
	run(nil)
	t.Logf("%d sequences agree", n)
}
