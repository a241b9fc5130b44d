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
	threads := flag.Int("threads", 1, "serve on a current-thread executor (1) or a multi-thread one with `N` workers (N > 1)")
	flag.Parse()
	if *threads < 1 {
		fmt.Fprintln(os.Stderr, "echo: -threads must be 1 or more")
		os.Exit(2)
	}
	if err := run(*addr, *cpuProfile, *threads); err != nil {
		fmt.Fprintln(os.Stderr, "echo:", err)
		os.Exit(1)
	}
}

func run(addr, cpuProfile string, threads int) error {
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
	err = serve(l, threads)
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// serve runs the server until the listener fails or is closed: on a new
// current-thread executor if threads is 1, else on a multi-thread executor
// with that many workers.
func serve(l *tcp.Listener, threads int) error {
	var opts []executor.Option
	if threads > 1 {
		opts = append(opts, executor.WithWorkers(threads))
	}
	err, runErr := executor.Run(serveEcho(l, threads > 1), opts...)
	return errors.Join(err, runErr)
}
