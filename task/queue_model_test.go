package task

// Exhaustive interleaving tests of the run queue (queue.go), with the
// explorer of internal/model.
//
// Push is three atomic operations and Notify's load, compare-and-swap and
// call of wake; Pop is up to seven. A real call cannot be stopped between
// them, so the queue is modelled: qMem is its memory (nodes by number: the
// stub is 0, tasks 1 to 4), and stepPush, stepPop and stepPark carry Push,
// Pop and Park out one atomic operation per call, line by line as queue.go
// does. TestQueueModelMatchesQueue checks the model against the real Queue,
// op for op and pointer for pointer, over every short sequence of
// operations; TestQueueModel then explores every interleaving of two
// producers with the consumer. The check catches a model that computes
// something else, not one that does the same steps in another order: when
// queue.go changes, change the steps here with it.

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/asyncgo/async/internal/model"
)

const (
	qNodes = 5  // the stub and four tasks
	qStub  = 0  // the stub's node number
	qNil   = -1 // a nil pointer
)

// qMem is the queue's memory.
type qMem struct {
	head   int8
	tail   int8 // the consumer's
	next   [qNodes]int8
	parked bool
	woken  bool // wake was called since the consumer last slept (it is an eventfd write: it is not lost)
	wakes  int8 // calls of wake
}

func newQMem() qMem {
	m := qMem{head: qStub, tail: qStub}
	for i := range m.next {
		m.next[i] = qNil
	}
	return m
}

// qPush is a Push in progress.
type qPush struct {
	step qPushStep
	node int8 // the task pushed
	prev int8 // what the swap returned
}

type qPushStep uint8

const (
	pushStoreNext  qPushStep = iota // t.next.Store(nil)
	pushSwap                        // prev := q.head.Swap(t)
	pushLink                        // prev.next.Store(t)
	pushLoadParked                  // Notify: q.parked.Load()
	pushCASParked                   // Notify: q.parked.CompareAndSwap(true, false)
	pushWake                        // Notify: q.wake()
	pushOver
)

var pushStepNames = [...]string{
	pushStoreNext:  "t.next.Store(nil)",
	pushSwap:       "head.Swap(t)",
	pushLink:       "prev.next.Store(t)",
	pushLoadParked: "Notify: parked.Load()",
	pushCASParked:  "Notify: parked.CompareAndSwap(true, false)",
	pushWake:       "Notify: wake()",
}

// stepPush makes the next atomic operation of p.
func (m *qMem) stepPush(p *qPush) {
	switch p.step {
	case pushStoreNext:
		m.next[p.node] = qNil
		p.step = pushSwap
	case pushSwap:
		p.prev, m.head = m.head, p.node
		p.step = pushLink
	case pushLink:
		m.next[p.prev] = p.node
		p.step = pushLoadParked
	case pushLoadParked:
		p.step = pushOver
		if m.parked {
			p.step = pushCASParked
		}
	case pushCASParked:
		p.step = pushOver
		if m.parked {
			m.parked = false
			p.step = pushWake
		}
	case pushWake:
		m.woken = true
		m.wakes++
		p.step = pushOver
	}
}

// producerMoveNames names the steps of each producer pushing each task.
var producerMoveNames = func() (names [2][qNodes][pushOver]string) {
	for p := range names {
		for n := range names[p] {
			for st, step := range pushStepNames {
				names[p][n][st] = fmt.Sprintf("producer %d: %s", p, step)
			}
			names[p][n][pushStoreNext] = fmt.Sprintf("producer %d: push task %d: %s", p, n, pushStepNames[pushStoreNext])
		}
	}
	return names
}()

// qPop is a Pop in progress.
type qPop struct {
	step qPopStep
	tail int8 // Pop's locals
	next int8
	prev int8
	got  int8 // the result, once step is popOver: a task, or qNil
}

type qPopStep uint8

const (
	popLoadNext     qPopStep = iota // next := tail.next.Load()
	popLoadNextNext                 // past the stub: next = next.next.Load()
	popLoadHead                     // tail != q.head.Load()
	popStoreStub                    // q.stub.next.Store(nil)
	popSwapStub                     // prev := q.head.Swap(&q.stub)
	popLinkStub                     // prev.next.Store(&q.stub)
	popReload                       // next = tail.next.Load()
	popOver
)

var popStepNames = [...]string{
	popLoadNext:     "Pop: tail.next.Load()",
	popLoadNextNext: "Pop: past the stub, next.next.Load()",
	popLoadHead:     "Pop: head.Load()",
	popStoreStub:    "Pop: stub.next.Store(nil)",
	popSwapStub:     "Pop: head.Swap(&stub)",
	popLinkStub:     "Pop: prev.next.Store(&stub)",
	popReload:       "Pop: tail.next.Load() again",
}

// stepPop makes the next atomic operation of p, with the plain work around
// it (the consumer's own q.tail and Pop's locals).
func (m *qMem) stepPop(p *qPop) {
	switch p.step {
	case popLoadNext:
		p.tail = m.tail
		p.next = m.next[p.tail]
		if p.tail != qStub {
			m.popNext(p)
			break
		}
		if p.next == qNil {
			p.got, p.step = qNil, popOver
			break
		}
		m.tail, p.tail = p.next, p.next // step over the stub
		p.step = popLoadNextNext
	case popLoadNextNext:
		p.next = m.next[p.tail]
		m.popNext(p)
	case popLoadHead:
		if p.tail != m.head {
			p.got, p.step = qNil, popOver // a push is in progress
			break
		}
		p.step = popStoreStub
	case popStoreStub:
		m.next[qStub] = qNil
		p.step = popSwapStub
	case popSwapStub:
		p.prev, m.head = m.head, qStub
		p.step = popLinkStub
	case popLinkStub:
		m.next[p.prev] = qStub
		p.step = popReload
	case popReload:
		p.next = m.next[p.tail]
		p.got, p.step = qNil, popOver
		if p.next != qNil {
			m.tail = p.next
			p.got = p.tail
		}
	}
}

// popNext is Pop once next is loaded: return tail if it has a successor,
// else look at the head.
func (m *qMem) popNext(p *qPop) {
	if p.next != qNil {
		m.tail = p.next
		p.got, p.step = p.tail, popOver
		return
	}
	p.step = popLoadHead
}

// qPark is a Park in progress.
type qPark struct {
	step qParkStep
	ok   bool // the result, once step is parkOver
}

type qParkStep uint8

const (
	parkStore        qParkStep = iota // q.parked.Store(true)
	parkLoadStubNext                  // Empty: q.tail == &q.stub && q.stub.next.Load() == nil
	parkLoadHead                      // Empty: q.head.Load() == &q.stub
	parkUndo                          // not empty: q.parked.Store(false)
	parkOver
)

var parkStepNames = [...]string{
	parkStore:        "Park: parked.Store(true)",
	parkLoadStubNext: "Park: Empty: stub.next.Load()",
	parkLoadHead:     "Park: Empty: head.Load()",
	parkUndo:         "Park: parked.Store(false)",
}

// stepPark makes the next atomic operation of p.
func (m *qMem) stepPark(p *qPark) {
	switch p.step {
	case parkStore:
		m.parked = true
		p.step = parkLoadStubNext
	case parkLoadStubNext:
		p.step = parkLoadHead
		if m.tail != qStub || m.next[qStub] != qNil {
			p.step = parkUndo
		}
	case parkLoadHead:
		p.ok, p.step = true, parkOver
		if m.head != qStub {
			p.ok, p.step = false, parkUndo
		}
	case parkUndo:
		m.parked = false
		p.ok, p.step = false, parkOver
	}
}

// empty is Queue.Empty, in one go.
func (m *qMem) empty() bool {
	return m.tail == qStub && m.next[qStub] == qNil && m.head == qStub
}

// --- The model against the real Queue, one whole operation at a time ---

// queuePair is a real Queue and the model, given the same operations.
type queuePair struct {
	q     *Queue
	tasks [qNodes]*Task // tasks[1:] are the tasks; the stub is &q.stub
	wakes int8          // calls of the real queue's wake
	m     qMem
}

func newQueuePair() *queuePair {
	p := &queuePair{m: newQMem()}
	p.q = NewQueue(func() { p.wakes++ })
	for i := 1; i < qNodes; i++ {
		p.tasks[i] = new(Task)
	}
	return p
}

func (p *queuePair) id(t *Task) int8 {
	if t == nil {
		return qNil
	}
	if t == &p.q.stub {
		return qStub
	}
	for i, x := range p.tasks {
		if x == t && i > 0 {
			return int8(i)
		}
	}
	return 100 // not a node: compare fails
}

func (p *queuePair) push(node int8) {
	p.q.Push(p.tasks[node])
	op := qPush{node: node}
	for op.step != pushOver {
		p.m.stepPush(&op)
	}
}

func (p *queuePair) pop() (real, model int8) {
	var op qPop
	for op.step != popOver {
		p.m.stepPop(&op)
	}
	return p.id(p.q.Pop()), op.got
}

func (p *queuePair) park() (real, model bool) {
	var op qPark
	for op.step != parkOver {
		p.m.stepPark(&op)
	}
	return p.q.Park(), op.ok
}

func (p *queuePair) unpark() {
	p.q.Unpark()
	p.m.parked = false
}

// diff compares the real queue's memory with the model's.
func (p *queuePair) diff() string {
	real := qMem{
		head: p.id(p.q.head.Load()), tail: p.id(p.q.tail), parked: p.q.parked.Load(),
		woken: p.m.woken, wakes: p.wakes,
	}
	real.next[qStub] = p.id(p.q.stub.next.Load())
	for i := 1; i < qNodes; i++ {
		real.next[i] = p.id(p.tasks[i].next.Load())
	}
	if real != p.m {
		return fmt.Sprintf("real %+v, model %+v", real, p.m)
	}
	if p.q.Empty() != p.m.empty() {
		return fmt.Sprintf("real Empty %v, model %v", p.q.Empty(), p.m.empty())
	}
	return ""
}

// TestQueueModelMatchesQueue runs every sequence of up to seven operations
// (push the first task not queued, pop, park, unpark), and long random
// ones, on the real Queue and on the model, and checks that each returns
// the same and that both memories match after each operation: head, tail,
// every next pointer, parked and the calls of wake.
func TestQueueModelMatchesQueue(t *testing.T) {
	const ops = 4
	run := func(seq []int) {
		t.Helper()
		p := newQueuePair()
		var queued [qNodes]bool
		for i, op := range seq {
			var what string
			switch op {
			case 0:
				node := int8(qNil)
				for n := int8(1); n < qNodes; n++ {
					if !queued[n] {
						node = n
						break
					}
				}
				if node == qNil {
					continue // all four queued
				}
				queued[node] = true
				p.push(node)
				what = fmt.Sprintf("push %d", node)
			case 1:
				real, model := p.pop()
				if real != model {
					t.Fatalf("%v, op %d: Pop = %d, model %d", seq, i, real, model)
				}
				if real != qNil {
					queued[real] = false
				}
				what = fmt.Sprintf("pop → %d", real)
			case 2:
				real, model := p.park()
				if real != model {
					t.Fatalf("%v, op %d: Park = %v, model %v", seq, i, real, model)
				}
				what = "park"
			default:
				p.unpark()
				what = "unpark"
			}
			if d := p.diff(); d != "" {
				t.Fatalf("%v, op %d (%s): %s", seq, i, what, d)
			}
		}
	}
	n := 0
	var all func(seq []int)
	all = func(seq []int) {
		run(seq)
		n++
		if len(seq) == 7 {
			return
		}
		for op := range ops {
			all(append(seq, op))
		}
	}
	all(nil)
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		seq := make([]int, 300)
		for i := range seq {
			seq[i] = r.IntN(ops)
		}
		run(seq)
	}
	t.Logf("%d exhaustive sequences and 200 random ones of 300 operations agree", n)
}

// --- Every interleaving of two producers and the consumer ---

// queueModelConfig says what the producers push. A task pushed again is
// pushed only once it has been popped (a task is in one queue at a time).
type queueModelConfig struct {
	lists [2][]int8 // the tasks each producer pushes, in order
	// notifier makes the second producer give work outside the queue
	// instead: it sets a flag and calls Notify, as executor.CurrentThread's
	// BlockOn waker and its Spawn from another goroutine do; the consumer
	// looks at the flag at the top of its loop and once Park has said yes,
	// as that executor's loop does.
	notifier bool
}

// qProducer is a producer: its pushes, one at a time.
type qProducer struct {
	push qPush
	k    int8 // pushes begun
	done bool
	flag bool // notifier: the flag is set (the first step)
}

// The consumer's loop: pop until Pop says nil, then park; sleep if Park
// says yes, else try again if a producer has moved since that Pop began
// (if none has, Pop would say nil again and change nothing, so the retry
// is left out: it would only go round in a circle). With a notifier, look
// at its flag where the executor does.
type qConsPC uint8

const (
	consTop        qConsPC = iota // notifier: the loop's mainWoken.Swap(false)
	consPop                       // Pop, one step at a time
	consFlag                      // notifier: after Pop said nil, mainWoken.Load()
	consPark                      // Park, one step at a time
	consParkedFlag                // notifier: after Park said yes, mainWoken.Load()
	consSpin                      // Park said no: pop again once a producer has moved
	consSleep                     // parked: wait for wake
	consUnpark                    // Unpark
)

type qConsumer struct {
	pc   qConsPC
	pop  qPop
	park qPark
	next qConsPC // where to go after consUnpark

	// midway: a push was midway (past its swap, before its link) at some
	// moment of the Pop in progress.
	midway bool
}

// queueState is the whole state of a run.
type queueState struct {
	mem  qMem
	prod [2]qProducer
	cons qConsumer

	flag    bool // notifier: the work flag (mainWoken)
	handled bool // notifier: the consumer took the flag

	queued [qNodes]bool // the task is past its push's swap and not popped since
	seq    [qNodes]int8 // for a queued task, which of its producer's pushes it is
	owner  [qNodes]int8 // for a queued task, its producer
	popped [2]int8      // pushes of each producer popped: FIFO means in order
	moved  bool         // a producer moved since the consumer's last Pop began
}

type queueWorld struct {
	cfg   *queueModelConfig
	s     queueState
	list  []queueMove
	names []string
}

// queueMove is a move: a producer's step (actor 0 or 1) or the consumer's.
type queueMove struct{ actor int8 }

func newQueueWorld(cfg *queueModelConfig) *queueWorld {
	w := &queueWorld{cfg: cfg}
	w.s.mem = newQMem()
	for p := range w.s.prod {
		pr := &w.s.prod[p]
		switch {
		case p == 1 && cfg.notifier:
		case len(cfg.lists[p]) == 0:
			pr.done = true
		default:
			pr.push.node = cfg.lists[p][0]
		}
	}
	if !cfg.notifier {
		w.s.cons.pc = consPop
	}
	return w
}

func (w *queueWorld) Moves() []string {
	w.list, w.names = w.list[:0], w.names[:0]
	s := &w.s
	for p := range s.prod {
		pr := &s.prod[p]
		if pr.done || pr.push.step == pushStoreNext && s.queued[pr.push.node] {
			continue
		}
		var name string
		switch {
		case p == 1 && w.cfg.notifier && !pr.flag:
			name = "notifier: flag.Store(true)"
		case p == 1 && w.cfg.notifier:
			name = "notifier: " + pushStepNames[pr.push.step]
		default:
			name = producerMoveNames[p][pr.push.node][pr.push.step]
		}
		w.list = append(w.list, queueMove{int8(p)})
		w.names = append(w.names, name)
	}
	c := &s.cons
	name := ""
	switch c.pc {
	case consTop:
		name = "consumer: flag.Swap(false)"
	case consPop:
		name = "consumer: " + popStepNames[c.pop.step]
	case consFlag, consParkedFlag:
		name = "consumer: flag.Load()"
	case consPark:
		name = "consumer: " + parkStepNames[c.park.step]
	case consSpin:
		if s.moved {
			name = "consumer: try again"
		}
	case consSleep:
		if s.mem.woken {
			name = "consumer: woken"
		}
	case consUnpark:
		name = "consumer: Unpark: parked.Store(false)"
	}
	if name != "" {
		w.list = append(w.list, queueMove{2})
		w.names = append(w.names, name)
	}
	return w.names
}

func (w *queueWorld) Take(i int) error {
	var err error
	if mv := w.list[i]; mv.actor < 2 {
		err = w.produce(int(mv.actor))
	} else {
		err = w.consume()
	}
	s := &w.s
	switch s.cons.pc {
	case consSleep, consUnpark:
		s.moved = false // Pop starts afresh
	}
	if s.cons.pc != consPop {
		s.cons.midway = false
		return err
	}
	if s.cons.pop.step == popLoadNext {
		s.moved = false
	}
	for p := range s.prod {
		if !s.prod[p].done && s.prod[p].push.step == pushLink {
			s.cons.midway = true
		}
	}
	return err
}

// produce makes producer p's next step.
func (w *queueWorld) produce(p int) error {
	s := &w.s
	pr := &s.prod[p]
	s.moved = true
	if p == 1 && w.cfg.notifier {
		if !pr.flag {
			pr.flag, s.flag = true, true
			pr.push.step = pushLoadParked // then Notify
			return nil
		}
		s.mem.stepPush(&pr.push)
		pr.done = pr.push.step == pushOver
		return nil
	}
	if pr.push.step == pushSwap {
		n := pr.push.node
		s.queued[n], s.seq[n], s.owner[n] = true, pr.k, int8(p)
	}
	s.mem.stepPush(&pr.push)
	if pr.push.step != pushOver {
		return nil
	}
	pr.k++
	if int(pr.k) == len(w.cfg.lists[p]) {
		pr.done = true
		return nil
	}
	pr.push = qPush{node: w.cfg.lists[p][pr.k]}
	return nil
}

// consume makes the consumer's next step and checks what Pop returned.
func (w *queueWorld) consume() error {
	s := &w.s
	c := &s.cons
	switch c.pc {
	case consTop:
		if s.flag {
			s.flag, s.handled = false, true
		}
		c.pc, c.pop = consPop, qPop{}
	case consPop:
		s.mem.stepPop(&c.pop)
		if c.pop.step != popOver {
			return nil
		}
		if got := c.pop.got; got != qNil {
			if err := w.popped(got); err != nil {
				return err
			}
			c.pop, c.midway = qPop{}, false
			return nil
		}
		if err := w.poppedNil(); err != nil {
			return err
		}
		c.pc, c.park = consPark, qPark{}
		if w.cfg.notifier {
			c.pc = consFlag
		}
	case consFlag:
		c.pc, c.park = consPark, qPark{}
		if s.flag {
			c.pc = consTop
		}
	case consPark:
		s.mem.stepPark(&c.park)
		switch {
		case c.park.step != parkOver:
		case !c.park.ok:
			c.pc = consSpin
		case w.cfg.notifier:
			c.pc = consParkedFlag
		default:
			c.pc, c.next = consSleep, consPop
		}
	case consParkedFlag:
		c.pc, c.next = consSleep, consTop
		if s.flag {
			c.pc = consUnpark
		}
	case consSpin:
		c.pc, c.pop = consPop, qPop{}
		if w.cfg.notifier {
			c.pc = consTop
		}
	case consSleep:
		s.mem.woken = false
		c.pc = consUnpark
	case consUnpark:
		s.mem.parked = false
		c.pc, c.pop = c.next, qPop{}
	}
	return nil
}

// popped checks a task Pop returned: queued, and the next of its
// producer's pushes to come out.
func (w *queueWorld) popped(n int8) error {
	s := &w.s
	if !s.queued[n] {
		return fmt.Errorf("Pop returned task %d, which is not queued: returned twice, or never pushed", n)
	}
	p := s.owner[n]
	if s.seq[n] != s.popped[p] {
		return fmt.Errorf("Pop returned producer %d's push %d before its push %d: not FIFO", p, s.seq[n], s.popped[p])
	}
	s.queued[n] = false
	s.popped[p]++
	return nil
}

// poppedNil checks that Pop said nil only with nothing queued, or while a
// push was midway (past its swap, before its link) at some moment of the
// Pop: its loads may then have missed a link made since.
func (w *queueWorld) poppedNil() error {
	s := &w.s
	for n, q := range s.queued {
		if q && !s.cons.midway {
			return fmt.Errorf("Pop returned nil with task %d queued and no push midway", n)
		}
	}
	return nil
}

// final checks a run's end: every push popped, the consumer asleep with
// no work waiting (not lost: a task, or the notifier's flag, left behind
// by a consumer that parked without seeing it).
func (w *queueWorld) Final() error {
	s := &w.s
	if s.cons.pc == consSpin {
		return fmt.Errorf("the consumer spins for ever: Park says there is work, Pop says nil (memory %+v)", s.mem)
	}
	for n, q := range s.queued {
		if q {
			return fmt.Errorf("the consumer sleeps with task %d queued: a lost wakeup (memory %+v)", n, s.mem)
		}
	}
	for p := range s.prod {
		if w.cfg.notifier && p == 1 {
			if s.flag || !s.handled {
				return fmt.Errorf("the consumer sleeps with the notifier's work not taken: a lost wakeup")
			}
			continue
		}
		if int(s.popped[p]) != len(w.cfg.lists[p]) {
			return fmt.Errorf("producer %d pushed %d, %d popped", p, len(w.cfg.lists[p]), s.popped[p])
		}
	}
	return nil
}

// key is the state without what no longer matters: the locals of steps
// done, and the count of wakes.
func (w *queueWorld) Key() queueState {
	k := w.s
	k.mem.wakes = 0
	for p := range k.prod {
		if pr := &k.prod[p]; pr.push.step < pushLink || pr.push.step > pushLink {
			pr.push.prev = 0
		}
	}
	c := &k.cons
	switch c.pc {
	case consPop:
		c.park = qPark{}
	case consPark:
		c.pop = qPop{}
	default:
		c.pop, c.park = qPop{}, qPark{}
	}
	if c.pc != consSleep && c.pc != consUnpark {
		c.next = 0
	}
	for n, q := range k.queued {
		if !q {
			k.seq[n], k.owner[n] = 0, 0
		}
	}
	return k
}

func (w *queueWorld) Clone() model.World[queueState] { return &queueWorld{cfg: w.cfg, s: w.s} }

// queueModelCases are the explorations of TestQueueModel.
func queueModelCases() []struct {
	name string
	cfg  queueModelConfig
} {
	return []struct {
		name string
		cfg  queueModelConfig
	}{
		{"1+1", queueModelConfig{lists: [2][]int8{{1}, {3}}}},
		{"2+1", queueModelConfig{lists: [2][]int8{{1, 2}, {3}}}},
		{"2+2", queueModelConfig{lists: [2][]int8{{1, 2}, {3, 4}}}},
		// A task pushed again once popped, as a task woken after it ran.
		{"1,1+2", queueModelConfig{lists: [2][]int8{{1, 1}, {3, 4}}}},
		{"2,1+notifier", queueModelConfig{lists: [2][]int8{{1, 2, 1}}, notifier: true}},
	}
}

// TestQueueModel explores every interleaving of the atomic operations of
// two producers, each pushing one or two tasks (or one pushing and one
// setting a flag and calling Notify), with the consumer popping, parking
// when Pop says nil, sleeping until woken when Park says yes. After every
// step: a popped task is queued (never returned twice) and its producer's
// next (FIFO per producer); Pop says nil with tasks queued only while a
// push is midway. At the end of every run: every push was popped and the
// consumer sleeps with nothing left behind (no lost wakeup), and it never
// spins for good.
func TestQueueModel(t *testing.T) {
	for _, c := range queueModelCases() {
		t.Run(c.name, func(t *testing.T) {
			st, err := model.Explore(func() model.World[queueState] { return newQueueWorld(&c.cfg) }, true)
			t.Logf("%s: %v", c.name, st)
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestQueueModelKeysAreWhole explores a case small enough without the
// memo (one producer pushing one task) and checks that it counts as many
// interleavings and states as with it.
func TestQueueModelKeysAreWhole(t *testing.T) {
	cfg := queueModelConfig{lists: [2][]int8{{1}}}
	build := func() model.World[queueState] { return newQueueWorld(&cfg) }
	memo, err := model.Explore(build, true)
	if err != nil {
		t.Fatal(err)
	}
	all, err := model.Explore(build, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("with the memo %v; without %v", memo, all)
	if memo.Interleavings != all.Interleavings || memo.States != all.States {
		t.Errorf("with the memo %v; without %v", memo, all)
	}
}
