//go:build unix

package signals_test

import (
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/http1"
	"github.com/asyncgo/async/signals"
	"github.com/asyncgo/async/tcp"
	"github.com/asyncgo/async/timer"
)

// Graceful shutdown on a signal: the server stops accepting, lets the
// request in flight finish, and returns. (The handler sends the signal
// itself, SIGUSR1, so that the example is sure to have a request in
// flight; a real server waits for os.Interrupt and syscall.SIGTERM.)
func Example_gracefulShutdown() {
	l, err := tcp.Listen("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http1.Server{Handler: http1.HandlerFunc(func(w *http1.ResponseWriter, r *http1.Request) async.Future[struct{}] {
		syscall.Kill(os.Getpid(), syscall.SIGUSR1)
		return async.Go(func(co *async.Co) struct{} {
			async.Await(co, timer.Sleep(50*time.Millisecond)) // still working when the signal comes
			async.Await(co, w.Send(200, []byte("finished")))
			return struct{}{}
		})
	})}
	out, err := executor.Run(async.Go(func(co *async.Co) string {
		stop := signals.Wait(os.Interrupt, syscall.SIGTERM, syscall.SIGUSR1)
		serving := async.Spawn(co.Context(), srv.Serve(l))
		fetch := async.Spawn(co.Context(), async.Go(func(co *async.Co) string {
			resp, err := async.Get(co, http1.Get("http://"+l.Addr().String()+"/"))
			if err != nil {
				return err.Error()
			}
			body, _ := async.Get(co, resp.Body.ReadAll(1<<10))
			return fmt.Sprintf("%d %s (Connection: %s)", resp.StatusCode, body, resp.Header.Get("Connection"))
		}))
		sig := async.Await(co, stop)
		shutdownErr := async.Await(co, srv.Shutdown(5*time.Second)) // waits for the request
		served, _ := async.Get(co, serving)
		answer, _ := async.Get(co, fetch)
		return fmt.Sprintf("%v: shutdown %v, Serve: %v\nthe client got: %s", sig, shutdownErr, served, answer)
	}))
	fmt.Println(out, err)
	// Output:
	// user defined signal 1: shutdown <nil>, Serve: http1: server closed
	// the client got: 200 finished (Connection: close) <nil>
}
