// Package model explores every interleaving of a model's moves, for the
// exhaustive tests of the runtime's lock-free parts (the task state word,
// the run queue, oneshot's state word), in the spirit of tokio's loom.
//
// Go cannot stop a goroutine between two atomic operations, so a model
// runs its actors on one goroutine, as a World whose Moves are the steps
// the actors may take next. Explore tries every move at every state, depth
// first, and reports the first broken invariant with the moves that led
// to it.
package model

import (
	"errors"
	"fmt"
	"math/big"
	"math/bits"
	"strings"
)

// World is one run of a model: a few actors over shared state, moved
// one step at a time by the explorer. To explore a second move from a
// state, the explorer copies the world if it can (Cloner), else builds
// a new one and replays the path of choices that led there, so a world may
// hold real tasks and atomics. A world must be deterministic: the same path
// always leads to the same state.
type World[K comparable] interface {
	// moves names the moves enabled now. None means the run is over.
	Moves() []string
	// take makes move i of the list moves just returned and checks the
	// invariants of the state it leads to.
	Take(i int) error
	// key is the state. Two runs at the same key go on the same way, so
	// what follows is explored once; it must cover every field that
	// decides later moves or invariants, history included.
	Key() K
	// final checks the invariants of a state with no moves.
	Final() error
}

// Cloner is a world that can copy itself, which is cheaper than a
// replay: a world made of plain values.
type Cloner[K comparable] interface {
	Clone() World[K]
}

// Count is a number of interleavings: they outgrow 64 bits.
type Count struct{ hi, lo uint64 }

func (c Count) add(d Count) (Count, bool) {
	lo, carry := bits.Add64(c.lo, d.lo, 0)
	hi, over := bits.Add64(c.hi, d.hi, carry)
	return Count{hi, lo}, over != 0
}

// String writes the count in decimal.
func (c Count) String() string {
	n := new(big.Int).SetUint64(c.hi)
	n.Lsh(n, 64)
	return n.Or(n, new(big.Int).SetUint64(c.lo)).String()
}

// Stats is what an exploration covered.
type Stats struct {
	Interleavings Count // complete runs: paths from the start to a state with no moves
	States        int   // distinct states (keys)
	Replays       int   // worlds built, to replay a path
	Depth         int   // the longest run, in moves
}

// String says what was covered, in one line.
func (s Stats) String() string {
	return fmt.Sprintf("%v interleavings, %d distinct states, %d worlds built, %d moves at most",
		s.Interleavings, s.States, s.Replays, s.Depth)
}

// explorer enumerates the interleavings of a model depth first. With memo,
// a state met again is not explored again: how many interleavings lead on
// from it is known, and so is the fact that none of them breaks an
// invariant, since its key is the whole state. Without memo every
// interleaving is run to its end, which is slower but checks that the keys
// are whole: a key reached twice must lead to as many interleavings, and
// both modes must count the same.
type explorer[K comparable] struct {
	build  func() World[K]
	memo   bool
	done   map[K]Count // explored states → interleavings from them
	onPath map[K]bool  // states on the path now: meeting one again is a cycle
	stats  Stats
	err    error
}

// Explore explores every interleaving of the worlds build makes and
// returns the first broken invariant, with the moves that led to it.
func Explore[K comparable](build func() World[K], memo bool) (Stats, error) {
	e := &explorer[K]{build: build, memo: memo, done: map[K]Count{}, onPath: map[K]bool{}}
	e.stats.Interleavings = e.visit(nil, nil)
	e.stats.States = len(e.done)
	return e.stats, e.err
}

// visit explores from the state path leads to and returns the number of
// interleavings from there. w is the world at path, or nil to replay it.
// The first move is made on w itself; the others on copies of it made
// beforehand if it can be copied, else on replays.
func (e *explorer[K]) visit(path []int, w World[K]) Count {
	if w == nil {
		var err error
		if w, err = e.replay(path, nil); err != nil {
			e.fail(path, err)
			return Count{}
		}
	}
	e.stats.Depth = max(e.stats.Depth, len(path))
	k := w.Key()
	known, seen := e.done[k]
	if seen && e.memo {
		return known
	}
	if e.onPath[k] {
		e.fail(path, errors.New("the model has a cycle: a run may go on for ever"))
		return Count{}
	}
	var n Count
	if moves := len(w.Moves()); moves == 0 {
		if err := w.Final(); err != nil {
			e.fail(path, fmt.Errorf("final state: %w", err))
			return Count{}
		}
		n = Count{lo: 1}
	} else {
		e.onPath[k] = true
		var base World[K]
		if c, ok := w.(Cloner[K]); ok && moves > 1 {
			base = c.Clone()
		}
		for i := range moves {
			next := w
			switch {
			case i == moves-1 && base != nil:
				next = base
			case i > 0 && base != nil:
				next = base.(Cloner[K]).Clone()
			case i > 0:
				next = nil // replayed by the visit
			}
			if next != nil {
				next.Moves()
				if err := takeMove(next, i); err != nil {
					e.fail(append(path, i), err)
					return Count{}
				}
			}
			c := e.visit(append(path, i), next)
			if e.err != nil {
				return Count{}
			}
			var over bool
			if n, over = n.add(c); over {
				e.fail(path, errors.New("more than 2^128 interleavings"))
				return Count{}
			}
		}
		delete(e.onPath, k)
	}
	if seen && known != n {
		e.fail(path, fmt.Errorf("a key leads to %v interleavings once and %v another time: it misses part of the state", known, n))
		return Count{}
	}
	e.done[k] = n
	return n
}

// replay builds a world and makes the moves of path, appending their names
// to trace if it is not nil, and returns the first error.
func (e *explorer[K]) replay(path []int, trace *[]string) (World[K], error) {
	e.stats.Replays++
	w := e.build()
	for _, i := range path {
		ms := w.Moves()
		if trace != nil {
			*trace = append(*trace, ms[i])
		}
		if err := takeMove(w, i); err != nil {
			return w, err
		}
	}
	return w, nil
}

// takeMove is w.take, with a panic of the real code turned into an error.
func takeMove[K comparable](w World[K], i int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return w.Take(i)
}

// fail records err, found at the end of path, with the names of its moves.
func (e *explorer[K]) fail(path []int, err error) {
	var trace []string
	e.replay(path, &trace)
	var b strings.Builder
	fmt.Fprintf(&b, "%v\nafter %d moves:", err, len(trace))
	for i, m := range trace {
		fmt.Fprintf(&b, "\n  %2d. %s", i+1, m)
	}
	e.err = errors.New(b.String())
}
