package executor

import (
	"testing"

	"github.com/asyncgo/async/task"
)

// TestRingFIFO pushes and pops through the fixed ring and the overflow
// list, interleaved, and checks that tasks come out in the order they went
// in.
func TestRingFIFO(t *testing.T) {
	var r ring
	tasks := make([]task.Task, 3*maxRing)
	in, out := 0, 0
	push := func(n int) {
		for range n {
			r.push(&tasks[in%len(tasks)])
			in++
		}
	}
	pop := func(n int) {
		for range n {
			got := r.pop()
			if got != &tasks[out%len(tasks)] {
				t.Fatalf("pop %d: got task %p, want %p", out, got, &tasks[out%len(tasks)])
			}
			if got.Next() != nil {
				t.Fatalf("pop %d: the task still links to another", out)
			}
			out++
		}
	}
	push(10)
	pop(5)
	push(2*maxRing + 7) // fills the ring and overflows
	pop(maxRing + 3)    // drains the ring, then takes from the list
	push(maxRing)       // the list is not empty: these go behind it
	pop(in - out)
	if r.pop() != nil {
		t.Fatal("pop of an empty ring returned a task")
	}
	push(3) // the ring again
	pop(3)
	if r.size != 0 || r.overHead != nil || r.overTail != nil {
		t.Fatalf("empty ring: size %d, overflow %p %p", r.size, r.overHead, r.overTail)
	}
}
