package interop

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"time"
)

// errTimeout is a wait of a case that ran past opTimeout.
var errTimeout = errors.New("timed out after " + opTimeout.String())

// inbox is the hand-over from a goroutine adapter's reader goroutine,
// which reads the connection all the time (so that the library answers
// pings and closes, and sees pongs), to Receive and Ping.
type inbox struct {
	reads chan message // unbuffered: the reader waits for Receive
	pongs chan []byte  // the payloads of the pongs the library saw
	quit  chan struct{}
	ended chan struct{} // closed once the reader's read failed, with err set
	done  chan struct{} // closed when the reader goroutine returns
	err   error         // the reader's last error; read only after ended
	stop  sync.Once
}

func newInbox() *inbox {
	return &inbox{
		reads: make(chan message),
		pongs: make(chan []byte, 16),
		quit:  make(chan struct{}),
		ended: make(chan struct{}),
		done:  make(chan struct{}),
	}
}

// start runs read on a goroutine of its own until it fails or the inbox
// is closed, handing each message to Receive; the error ends the inbox.
func (in *inbox) start(read func() (message, error)) {
	go func() {
		defer close(in.done)
		for {
			m, err := read()
			if err != nil {
				in.err = err
				close(in.ended)
				return
			}
			select {
			case in.reads <- m:
			case <-in.quit:
				return
			}
		}
	}()
}

// receive returns the next message, or the error that ended the reads.
func (in *inbox) receive() (message, error) {
	t := time.NewTimer(opTimeout)
	defer t.Stop()
	select {
	case m := <-in.reads:
		return m, nil
	case <-in.ended:
		return message{}, in.err
	case <-t.C:
		return message{}, fmt.Errorf("receive: %w", errTimeout)
	}
}

// pong records a pong's payload; called by the library while it reads.
// A pong nobody waits for is dropped once 16 are queued.
func (in *inbox) pong(p []byte) {
	select {
	case in.pongs <- bytes.Clone(p):
	default:
	}
}

// waitPong waits for a pong with payload p, skipping others (a peer may
// send unsolicited pongs).
func (in *inbox) waitPong(p []byte) error {
	t := time.NewTimer(opTimeout)
	defer t.Stop()
	for {
		select {
		case got := <-in.pongs:
			if bytes.Equal(got, p) {
				return nil
			}
		case <-in.ended:
			return fmt.Errorf("waiting for the pong: %w", in.err)
		case <-t.C:
			return fmt.Errorf("waiting for the pong: %w", errTimeout)
		}
	}
}

// waitClose waits for the end of the reads, which the peer's close frame
// must make, dropping messages that come before it.
func (in *inbox) waitClose() error {
	for {
		_, err := in.receive()
		var ce *closeError
		if errors.As(err, &ce) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("waiting for the peer's close: %w", err)
		}
	}
}

// close stops the reader goroutine and waits for it; the caller has
// closed the socket, so that its read fails.
func (in *inbox) close() {
	in.stop.Do(func() { close(in.quit) })
	<-in.done
}
