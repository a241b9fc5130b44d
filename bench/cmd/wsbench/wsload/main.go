package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/asyncgo/async/bench/internal/loadproto"
)

// config is the run the flags describe.
type config struct {
	addr              string
	conns, size       int
	warmup            int // broadcasts before "ready", not counted
	broadcasts        int // counted broadcasts after "go"
	pause             time.Duration
	connectTimeout    time.Duration // opening every connection and the probe
	deliveryTimeout   time.Duration // one broadcast reaching every connection
	dialers           int           // connections being opened at once
	descriptorsSpared int           // descriptors beyond the connections
}

// headerSize is the part of a message that is not padding: the sequence
// number and the send time.
const headerSize = 16

func main() {
	var c config
	flag.StringVar(&c.addr, "addr", "127.0.0.1:8080", "the server's host:port; connections go to ws://addr/")
	flag.IntVar(&c.conns, "conns", 10000, "WebSocket connections, the sender included")
	flag.IntVar(&c.size, "size", 64, "message size in bytes (at least 16)")
	flag.IntVar(&c.warmup, "warmup", 2, "broadcasts before \"ready\", not counted")
	flag.IntVar(&c.broadcasts, "broadcasts", 20, "counted broadcasts after \"go\"")
	flag.DurationVar(&c.pause, "pause", 100*time.Millisecond, "pause between a broadcast's last delivery and the next send")
	flag.DurationVar(&c.connectTimeout, "timeout", 2*time.Minute, "give up if opening the connections (and the probe) takes longer")
	flag.DurationVar(&c.deliveryTimeout, "delivery-timeout", 30*time.Second, "give up if a broadcast does not reach every connection within this")
	flag.Parse()
	c.dialers, c.descriptorsSpared = 64, 64
	if err := run(c, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "wsload:", err)
		os.Exit(1)
	}
}

// run opens the connections, makes them ready, waits for "go" on in,
// broadcasts, and writes the markers and the result to out.
func run(c config, in io.Reader, out io.Writer) error {
	if c.conns < 1 || c.size < headerSize || c.warmup < 0 || c.broadcasts < 1 || c.pause < 0 {
		return fmt.Errorf("need -conns >= 1, -size >= %d, -warmup >= 0, -broadcasts >= 1, -pause >= 0 (got %d, %d, %d, %d, %v)",
			headerSize, c.conns, c.size, c.warmup, c.broadcasts, c.pause)
	}
	if err := checkDescriptors(c.conns + c.descriptorsSpared); err != nil {
		return err
	}
	f, err := open(c)
	if err != nil {
		return err
	}
	defer f.close()
	if err := f.probe(c.connectTimeout); err != nil {
		return err
	}
	for range c.warmup {
		if _, err := f.broadcast(); err != nil {
			return fmt.Errorf("warmup: %w", err)
		}
		time.Sleep(c.pause)
	}
	fmt.Fprintln(out, loadproto.Ready)
	stdin := bufio.NewReader(in)
	if err := waitGo(stdin); err != nil {
		return err
	}
	res, err := f.measure(c.broadcasts, c.pause)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, loadproto.End)
	fmt.Fprintln(out, res.Encode())
	// Hold the connections until the harness closes stdin: it reads this
	// process's CPU time after "end", and the server's, which closing
	// thousands of connections now would add to.
	io.Copy(io.Discard, stdin)
	return nil
}

// checkDescriptors fails early, with the limit in the message, when this
// process may not open need descriptors. (Go has raised the soft limit to
// the hard one at startup, as it does on Linux since Go 1.19.)
func checkDescriptors(need int) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("read the open-file limit: %w", err)
	}
	if lim.Cur < uint64(need) {
		return fmt.Errorf("need %d open files, the limit is %d (hard %d): raise it (ulimit -n) or use fewer -conns", need, lim.Cur, lim.Max)
	}
	return nil
}

// waitGo waits for the line "go"; the harness closing stdin instead ends
// the run.
func waitGo(in *bufio.Reader) error {
	line, err := in.ReadString('\n')
	if err != nil {
		return fmt.Errorf("waiting for %q on stdin: %w", loadproto.Go, err)
	}
	if line != loadproto.Go+"\n" {
		return fmt.Errorf("read %q on stdin, want %q", line, loadproto.Go)
	}
	return nil
}
