// Package executor is a stub of the real package for the analyzer's tests.
package executor

import (
	"context"

	"github.com/asyncgo/async"
)

// Executor is one of the executors.
type Executor interface {
	Close() error
	Shutdown(ctx context.Context) error
}

// CurrentThread runs tasks on one goroutine.
type CurrentThread struct{}

// NewCurrentThread returns an executor.
func NewCurrentThread() (*CurrentThread, error) { return &CurrentThread{}, nil }

// Close releases the executor.
func (ex *CurrentThread) Close() error { return nil }

// Shutdown stops the executor, waiting for its BlockOn.
func (ex *CurrentThread) Shutdown(ctx context.Context) error { return nil }

// Spawn starts f as a task on ex.
func Spawn[T any](ex Executor, f async.Future[T]) async.JoinHandle[T] {
	return async.JoinHandle[T]{}
}

// BlockOn runs ex until f is ready.
func BlockOn[T any](ex Executor, f async.Future[T]) (T, error) {
	var zero T
	return zero, nil
}

// Run runs f on a new executor.
func Run[T any](f async.Future[T]) (T, error) {
	var zero T
	return zero, nil
}
