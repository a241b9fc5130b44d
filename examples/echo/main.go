package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/tcp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:7007", "the `host:port` to listen on; port 0 picks one")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to `file` until interrupted")
	flag.Parse()
	if err := run(*addr, *cpuProfile); err != nil {
		fmt.Fprintln(os.Stderr, "echo:", err)
		os.Exit(1)
	}
}

func run(addr, cpuProfile string) error {
	l, err := tcp.Listen(addr)
	if err != nil {
		return err
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// An interrupt closes the listener, which ends the accept loop; the
	// executor then closes the connections still open.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-stop
		l.Close()
	}()
	fmt.Println("echo: listening on", l.Addr())
	err = serve(l)
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// serve runs the server on a new current-thread executor until the
// listener fails or is closed.
func serve(l *tcp.Listener) error {
	err, runErr := executor.Run(serveEcho(l))
	return errors.Join(err, runErr)
}
