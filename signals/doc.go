// Package signals delivers OS signals (SIGINT, SIGTERM, SIGHUP...) to
// tasks, as futures: a stream of the signals received, and a one-shot
// Wait for the shutdown of a program. It is built on os/signal, and is
// not named signal so that both can be imported together.
//
// A server stops on the first SIGINT or SIGTERM:
//
//	sig := async.Await(co, signals.Wait(os.Interrupt, syscall.SIGTERM))
//	log.Printf("%v: shutting down", sig)
//
// and reloads its configuration on each SIGHUP:
//
//	hup := signals.Notify(syscall.SIGHUP)
//	defer hup.Stop()
//	for {
//		if r := async.Await(co, hup.Recv()); r.Err != nil {
//			return // stopped
//		}
//		reload()
//	}
//
// # How it works
//
// Notify registers a buffered channel with signal.Notify, so from then on
// the signals asked for no longer have their default effect, and starts
// one goroutine for the stream: os/signal delivers only to a channel, and
// a task can only be woken through its waker, so a goroutine receives from
// the channel, keeps each signal in the stream's buffer under the
// stream's lock, and wakes the task waiting in Recv after unlocking. That
// is one goroutine per Stream (and per pending Wait), not per Recv; Stop
// unregisters the channel with signal.Stop and ends the goroutine before
// it returns.
//
// The buffer keeps the signals received and not yet taken, oldest first,
// so none is lost between two Recvs. Like the kernel and os/signal, it
// coalesces: a signal that arrives while the same one is still pending is
// one signal. It holds up to 16 distinct signals; beyond that, as
// os/signal does for a full channel, a new one is dropped.
//
// Recv takes a unit of the task's cooperative budget (see
// async.Context.Proceed), so a task that finds signals always pending
// still gives way.
//
// # Cancellation safety
//
// A future of this package that is cancelled (lost in an async.Select,
// timed out by timer.Timeout, or in a task aborted with JoinHandle.Abort):
//
//	operation | a cancelled one gives up                   | it keeps                                  | test
//	----------+--------------------------------------------+-------------------------------------------+----------------------------------------
//	Recv      | its waker                                  | every signal received and not taken,      | TestCancelSafetyRecv{Select,Timeout,Abort}
//	          |                                            | for the next Recv: a cancelled Recv loses |
//	          |                                            | no signal, even one that woke it          |
//	Wait      | its registration: signal.Stop is called,   | nothing: the stream was its own           | TestCancelSafetyWait{Select,Timeout,Abort}
//	          | the goroutine ends, the signals have their |                                           |
//	          | default effect again                       |                                           |
package signals
