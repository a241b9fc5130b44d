package main

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// echoServer serves echo on a loopback port until the test ends.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() { io.Copy(c, c) })
		}
	})
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

func TestOpenHeld(t *testing.T) {
	addr := echoServer(t)
	conns, err := openHeld(holdConfig{addr: addr, conns: 3 * holdDialers, size: 64, timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range conns {
		if c == nil {
			t.Fatalf("connection %d not opened", i)
		}
	}
	closeHeld(conns)
}

func TestOpenHeldFailsOnRefusal(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: every dial is refused until the deadline
	_, err = openHeld(holdConfig{addr: addr, conns: 5, size: 64, timeout: 200 * time.Millisecond})
	if err == nil {
		t.Fatal("openHeld to a closed port succeeded")
	}
}

func TestPingers(t *testing.T) {
	addr := echoServer(t)
	cfg := pingPongConfig{addr: addr, conns: 3, size: 100, duration: time.Second, timeout: 10 * time.Second}
	pingers, err := connectAll(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := pingers[0]
	var phase phaseFlag
	phase.Store(phaseMeasure)
	done := make(chan struct{})
	go func() { p.run(cfg.size, &phase); close(done) }()
	time.Sleep(50 * time.Millisecond)
	phase.Store(phaseStop)
	<-done
	pingers[1].err = errors.New("reset by peer")
	res := summarize(cfg, pingers, time.Second)
	if res.Messages == 0 || res.Messages != p.count || res.P50us <= 0 || res.Errors != 1 || res.FirstError != "reset by peer" {
		t.Errorf("summary = %+v", res)
	}
	for _, p := range pingers {
		p.conn.Close()
	}
}
