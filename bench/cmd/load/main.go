package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:7000", "echo server address (host:port)")
	conns := flag.Int("conns", 100, "ping-pong: number of connections")
	size := flag.Int("size", 64, "ping-pong: message size in bytes")
	duration := flag.Duration("duration", 5*time.Second, "ping-pong: length of the measured window")
	warmup := flag.Duration("warmup", time.Second, "ping-pong: load before the measured window, not counted")
	hold := flag.Int("hold", 0, "hold mode: open this many connections, echo one message on each, print \"ready\" and hold them until stdin closes")
	holdSize := flag.Int("hold-size", 64, "hold mode: size of the one message each connection echoes")
	timeout := flag.Duration("timeout", 2*time.Minute, "give up if connecting (or a run's tail) takes longer than this")
	flag.Parse()

	var err error
	if *hold > 0 {
		err = runHold(holdConfig{addr: *addr, conns: *hold, size: *holdSize, timeout: *timeout})
	} else {
		err = runPingPong(pingPongConfig{addr: *addr, conns: *conns, size: *size,
			duration: *duration, warmup: *warmup, timeout: *timeout})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}
