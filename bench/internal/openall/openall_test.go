package openall

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunOpensEvery(t *testing.T) {
	var opened [100]atomic.Bool
	var inFlight, most atomic.Int32
	err := Run(context.Background(), len(opened), 4, "connection", func(ctx context.Context, i int) error {
		n := inFlight.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(time.Millisecond)
		inFlight.Add(-1)
		opened[i].Store(true)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range opened {
		if !opened[i].Load() {
			t.Fatalf("connection %d was not opened", i)
		}
	}
	if m := most.Load(); m > 4 {
		t.Fatalf("%d opens at once, over 4 workers", m)
	}
}

func TestRunStopsAtFirstFailure(t *testing.T) {
	boom := errors.New("refused")
	var calls atomic.Int32
	err := Run(context.Background(), 1000, 2, "idle connection", func(ctx context.Context, i int) error {
		calls.Add(1)
		if i == 0 {
			return boom
		}
		<-ctx.Done() // the others wait until the failure cancels them
		return nil
	})
	if !errors.Is(err, boom) || err.Error() != "idle connection 1 of 1000: refused" {
		t.Fatalf("error %v, want idle connection 1's", err)
	}
	if c := calls.Load(); c > 10 {
		t.Fatalf("%d opens after the failure, want the rest cancelled", c)
	}
}

func TestRunNamesTheContextsEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	err := Run(ctx, 10, 1, "connection", func(ctx context.Context, i int) error {
		<-ctx.Done()
		return nil
	})
	if !errors.Is(err, context.DeadlineExceeded) || err.Error() != "opening 10 connections: context deadline exceeded" {
		t.Fatalf("error %v", err)
	}
}
