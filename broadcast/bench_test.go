package broadcast

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/internal/tasktest"
	"github.com/asyncgo/async/internal/testfut"
)

// fanOutReceivers is the number of receivers of the fan-out benchmarks.
const fanOutReceivers = 100

// BenchmarkFanOut100 is tokio's sync_broadcast shape: one op is one value
// sent to 100 receiving tasks, and received by all of them, before the
// next is sent.
func BenchmarkFanOut100(b *testing.B) {
	for _, x := range rttest.Executors {
		b.Run(x.Name, func(b *testing.B) {
			b.ReportAllocs()
			tx, first := New[int](16)
			s := &fanOutSender{tx: tx, n: b.N, receivers: fanOutReceivers}
			tasks := []async.Future[struct{}]{s}
			for i := range fanOutReceivers {
				rx := first
				if i > 0 {
					rx = tx.Subscribe()
				}
				tasks = append(tasks, &fanOutReceiver{rx: rx, s: s})
			}
			b.ResetTimer()
			if _, err := executor.Run(async.Future[struct{}](tasktest.All(b, tasks...)), x.Options...); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// fanOutSender sends 0, 1, ..., n-1, each once every receiver has the one
// before.
type fanOutSender struct {
	tx        *Sender[int]
	n, i      int
	receivers int64
	waiting   bool
	acks      atomic.Int64 // receivers that have value i
	mu        sync.Mutex
	waker     async.Waker // guarded by mu
}

func (s *fanOutSender) Poll(cx *async.Context) (struct{}, bool) {
	for s.i < s.n {
		if !s.waiting {
			s.acks.Store(0)
			s.tx.Send(s.i)
			s.waiting = true
		}
		s.mu.Lock()
		s.waker = cx.Waker()
		s.mu.Unlock()
		if s.acks.Load() < s.receivers {
			return struct{}{}, false
		}
		s.waiting = false
		s.i++
	}
	s.tx.Close()
	return struct{}{}, true
}

func (s *fanOutSender) Cancel() {}

// ack counts a receipt; the last wakes the sender.
func (s *fanOutSender) ack() {
	if s.acks.Add(1) == s.receivers {
		s.mu.Lock()
		w := s.waker
		s.mu.Unlock()
		w.Wake()
	}
}

// fanOutReceiver receives until the end, acknowledging each value.
type fanOutReceiver struct {
	rx *Receiver[int]
	s  *fanOutSender
}

func (r *fanOutReceiver) Poll(cx *async.Context) (struct{}, bool) {
	for {
		res, ok := r.rx.Recv().Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		if res.Err != nil {
			return struct{}{}, true
		}
		r.s.ack()
	}
}

func (r *fanOutReceiver) Cancel() { r.rx.Recv().Cancel() }

// BenchmarkChanFanOut100 is the goroutine equivalent of BenchmarkFanOut100:
// a Go channel per receiving goroutine, and the next value sent once every
// receiver acknowledged the last.
func BenchmarkChanFanOut100(b *testing.B) {
	b.ReportAllocs()
	chans := make([]chan int, fanOutReceivers)
	acks := make(chan struct{}, fanOutReceivers)
	var wg sync.WaitGroup
	for i := range chans {
		chans[i] = make(chan int, 1)
		wg.Go(func() {
			for range chans[i] {
				acks <- struct{}{}
			}
		})
	}
	b.ResetTimer()
	for i := range b.N {
		for _, c := range chans {
			c <- i
		}
		for range chans {
			<-acks
		}
	}
	b.StopTimer()
	for _, c := range chans {
		close(c)
	}
	wg.Wait()
}

// BenchmarkSendRecv is the channel alone: one Send and one Recv polled by
// hand, with no executor, and one receiver.
func BenchmarkSendRecv(b *testing.B) {
	b.ReportAllocs()
	tx, rx := New[int](16)
	cx := testfut.NewContext(async.NoopWaker())
	for i := range b.N {
		testfut.ResetBudget(cx)
		tx.Send(i)
		if r, ok := rx.Recv().Poll(cx); !ok || r.Value != i {
			b.Fatalf("Recv = %+v, %v", r, ok)
		}
	}
}
