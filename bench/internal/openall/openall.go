// Package openall opens many connections at once for the load generators:
// a fixed number of workers take the indices in turn, the first failure
// cancels the rest, and the error says which connection failed.
//
//	err := openall.Run(ctx, n, 64, "idle connection", func(ctx context.Context, i int) error {
//		c, err := dial(ctx)
//		conns[i] = c
//		return err
//	})
package openall

import (
	"context"
	"fmt"
	"sync"
)

// Run calls open for every i in [0, n), at most workers at once, until
// all have succeeded, one has failed (which cancels the context the
// others get), or ctx ends. It returns the first error, naming the
// connection ("idle connection 7 of 10000: ...", with what as the noun),
// or the context's end ("opening 10000 idle connections: ...").
func Run(ctx context.Context, n, workers int, what string, open func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := open(ctx, i); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("%s %d of %d: %w", what, i+1, n, err)
						cancel(firstErr)
					}
					mu.Unlock()
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = fmt.Errorf("opening %d %ss: %w", n, what, context.Cause(ctx))
	}
	return firstErr
}
