package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/asyncgo/async/bench/internal/loadproto"
)

// holdConfig is the memory test's connection count and message size.
type holdConfig struct {
	addr        string
	conns, size int
	timeout     time.Duration
}

// holdDialers is how many connections are opened at once: enough to be
// quick, few enough not to overflow the server's accept backlog (4096
// here) much, which would cost retries.
const holdDialers = 64

// runHold opens the connections, echoes one message on each, prints
// "ready", and holds them until stdin closes or SIGINT/SIGTERM arrives.
func runHold(cfg holdConfig) error {
	if cfg.size < 1 {
		return fmt.Errorf("hold mode needs -hold-size >= 1 (got %d)", cfg.size)
	}
	conns, err := openHeld(cfg)
	if err != nil {
		return err
	}
	defer closeHeld(conns)
	fmt.Println(loadproto.Ready)

	done := make(chan struct{}, 2)
	go func() {
		io.Copy(io.Discard, os.Stdin)
		done <- struct{}{}
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-done:
	case <-sig:
	}
	return nil
}

// openHeld opens cfg.conns connections with holdDialers workers.
func openHeld(cfg holdConfig) ([]*net.TCPConn, error) {
	deadline := time.Now().Add(cfg.timeout)
	conns := make([]*net.TCPConn, cfg.conns)
	next := make(chan int)
	errs := make(chan error, holdDialers)
	var wg sync.WaitGroup
	for range holdDialers {
		wg.Go(func() {
			msg, rbuf := message(cfg.size), make([]byte, cfg.size)
			for i := range next {
				c, err := dialRetry(cfg.addr, deadline)
				if err == nil {
					conns[i] = c // before echoOnce, so closeHeld closes it on failure
					err = echoOnce(c, msg, rbuf, deadline)
				}
				if err != nil {
					errs <- fmt.Errorf("connection %d of %d: %w", i+1, cfg.conns, err)
					return
				}
			}
		})
	}
	err := feed(next, cfg.conns, errs)
	close(next)
	wg.Wait()
	if err == nil {
		// A worker may have failed on one of the last connections.
		select {
		case err = <-errs:
		default:
		}
	}
	if err != nil {
		closeHeld(conns)
		return nil, err
	}
	return conns, nil
}

// feed hands out indices 0..n-1 until done or until a worker fails.
func feed(next chan<- int, n int, errs <-chan error) error {
	for i := range n {
		select {
		case next <- i:
		case err := <-errs:
			return err
		}
	}
	return nil
}

// closeHeld closes every open connection with a reset rather than a FIN,
// so thousands of client ports do not linger in TIME_WAIT between runs.
func closeHeld(conns []*net.TCPConn) {
	for _, c := range conns {
		if c != nil {
			c.SetLinger(0)
			c.Close()
		}
	}
}
