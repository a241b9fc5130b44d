package executor_test

import (
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
)

// yielder wakes itself n times: each wake and the poll it causes is one
// trip round the executor's hot path.
type yielder struct{ n int }

func (y *yielder) Poll(cx *async.Context) (struct{}, bool) {
	if y.n == 0 {
		return struct{}{}, true
	}
	y.n--
	cx.Waker().Wake()
	return struct{}{}, false
}

func (y *yielder) Cancel() {}

// BenchmarkWakePoll measures a task waking itself and being polled again.
func BenchmarkWakePoll(b *testing.B) {
	ex, err := executor.NewCurrentThread()
	if err != nil {
		b.Fatal(err)
	}
	defer ex.Close()
	b.ReportAllocs()
	b.ResetTimer()
	h := executor.Spawn[struct{}](ex, &yielder{n: b.N})
	if _, err := executor.BlockOn[async.Result[struct{}]](ex, h); err != nil {
		b.Fatal(err)
	}
}

// pinger wakes its partner and waits to be woken back: a wake of another
// task from inside the executor, through the shared queue.
type pinger struct {
	n       int
	partner *async.Waker
	self    *async.Waker
	turn    *int
	me      int
}

func (p *pinger) Poll(cx *async.Context) (struct{}, bool) {
	*p.self = cx.Waker()
	for *p.turn == p.me {
		if p.n == 0 {
			*p.turn = 1 - p.me
			if *p.partner != nil {
				(*p.partner).Wake()
			}
			return struct{}{}, true
		}
		p.n--
		*p.turn = 1 - p.me
		if *p.partner != nil {
			(*p.partner).Wake()
		}
	}
	return struct{}{}, false
}

func (p *pinger) Cancel() {}

// BenchmarkWakeOther measures one task waking another: b.N hand-overs.
func BenchmarkWakeOther(b *testing.B) {
	ex, err := executor.NewCurrentThread()
	if err != nil {
		b.Fatal(err)
	}
	defer ex.Close()
	var w0, w1 async.Waker
	turn := 0
	a := &pinger{n: b.N / 2, partner: &w1, self: &w0, turn: &turn, me: 0}
	c := &pinger{n: b.N / 2, partner: &w0, self: &w1, turn: &turn, me: 1}
	b.ReportAllocs()
	b.ResetTimer()
	ha := executor.Spawn[struct{}](ex, a)
	hc := executor.Spawn[struct{}](ex, c)
	if _, err := executor.BlockOn[async.Tuple2[async.Result[struct{}], async.Result[struct{}]]](ex, async.Join2[async.Result[struct{}], async.Result[struct{}]](ha, hc)); err != nil {
		b.Fatal(err)
	}
}

// spawner spawns n tasks that are ready at once, then waits for the last.
type spawner struct {
	n    int
	last async.JoinHandle[struct{}]
	f    async.Future[struct{}]
}

func (s *spawner) Poll(cx *async.Context) (struct{}, bool) {
	for ; s.n > 0; s.n-- {
		s.last = async.Spawn(cx, s.f)
	}
	_, ok := s.last.Poll(cx)
	return struct{}{}, ok
}

func (s *spawner) Cancel() {}

// BenchmarkSpawn measures spawning a task from inside the executor and
// running it to completion.
func BenchmarkSpawn(b *testing.B) {
	ex, err := executor.NewCurrentThread()
	if err != nil {
		b.Fatal(err)
	}
	defer ex.Close()
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := executor.BlockOn[struct{}](ex, &spawner{n: b.N, f: async.Ready(struct{}{})}); err != nil {
		b.Fatal(err)
	}
}
