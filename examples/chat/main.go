package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"syscall"
	"time"

	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/signals"
	"github.com/asyncgo/async/tcp"
)

func main() {
	var cfg config
	flag.StringVar(&cfg.addr, "addr", "127.0.0.1:7010", "the `host:port` to listen on; port 0 picks one")
	flag.StringVar(&cfg.http, "http", "", "also serve the chat's web page on `host:port` (port 0 picks one); empty serves none")
	flag.IntVar(&cfg.threads, "threads", 1, "serve on a current-thread executor (1) or a multi-thread one with `N` workers (N > 1)")
	flag.IntVar(&cfg.maxClients, "max", 10_000, "at most `N` clients at once; more are told the server is full")
	flag.IntVar(&cfg.queue, "queue", 256, "each client's queue: `N` messages it may fall behind before it is dropped")
	flag.IntVar(&cfg.sndbuf, "sndbuf", 64<<10, "each connection's kernel send buffer, `bytes` (0: the kernel's default, which grows to megabytes)")
	flag.DurationVar(&cfg.idle, "idle", 5*time.Minute, "drop a client silent for this `long`")
	flag.DurationVar(&cfg.writeWait, "write", 10*time.Second, "drop a client whose socket takes no data for this `long`")
	flag.DurationVar(&cfg.grace, "grace", 5*time.Second, "at shutdown, wait this `long` for the clients' writers before aborting them")
	flag.Parse()
	if err := cfg.check(); err != nil {
		fmt.Fprintln(os.Stderr, "chat:", err)
		os.Exit(2)
	}
	logger := log.New(os.Stderr, "chat: ", log.Ltime)
	if err := run(cfg, logger); err != nil {
		logger.Print(err)
		os.Exit(1)
	}
}

// run serves until SIGINT or SIGTERM and a graceful shutdown.
func run(cfg config, logger *log.Logger) error {
	l, err := tcp.Listen(cfg.addr)
	if err != nil {
		return err
	}
	var hl *tcp.Listener
	if cfg.http != "" {
		if hl, err = tcp.Listen(cfg.http); err != nil {
			l.Close()
			return err
		}
	}
	// Register for the signals before saying we listen, so that a signal
	// sent by whoever read that line is never missed.
	stop := signals.Wait(os.Interrupt, syscall.SIGTERM)
	fmt.Println("chat: listening on", l.Addr())
	if hl != nil {
		fmt.Printf("chat: the page is at http://%v/\n", hl.Addr())
	}
	var opts []executor.Option
	if cfg.threads > 1 {
		opts = append(opts, executor.WithWorkers(cfg.threads))
	}
	err, runErr := executor.Run(newServer(cfg, l, hl, logger).run(stop), opts...)
	return errors.Join(err, runErr)
}
