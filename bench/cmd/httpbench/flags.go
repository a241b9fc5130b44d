package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/asyncgo/async/bench/internal/cli"
)

// config is the comparison the flags ask for.
type config struct {
	rounds           int
	duration, warmup time.Duration
	conns            int
	idle             int // memory test: idle connections; 0 skips it
	procs            int // the Go peers' GOMAXPROCS
	only             map[string]bool
	out              string // markdown report; "" writes none
	mainDir          string // "" derives it from the bench module
	serverCPU        int
	loadCPU          int
	wrk              string
	args             []string // as given, for the report
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("httpbench", flag.ContinueOnError)
	fs.IntVar(&c.rounds, "rounds", 3, "interleaved rounds; the table shows medians over them")
	cli.SecondsVar(fs, &c.duration, "duration", 5*time.Second, "CPU test: wrk's -d, whole seconds (5, 5s)")
	cli.SecondsVar(fs, &c.warmup, "warmup", time.Second, "CPU test: a wrk run before the measured one, not counted (0: none)")
	fs.IntVar(&c.conns, "conns", 100, "CPU test: wrk's -c, keep-alive connections")
	fs.IntVar(&c.idle, "idle", 10000, "memory test: idle keep-alive connections to hold (0 skips the test)")
	fs.IntVar(&c.procs, "procs", 1, "GOMAXPROCS of the Go peers (fasthttp, nbhttp, nethttp)")
	only := fs.String("only", "", "comma-separated servers to run (default all: "+strings.Join(serverNames(), ",")+")")
	fs.StringVar(&c.out, "out", defaultOut, "also write the markdown report as the httpbench section of this file (\"\" for none; the default is the main module's)")
	fs.StringVar(&c.mainDir, "main", "", "the async module's directory (default: the parent of the bench module)")
	fs.IntVar(&c.serverCPU, "server-cpu", 0, "CPU the server is pinned to")
	fs.IntVar(&c.loadCPU, "load-cpu", 1, "CPU wrk is pinned to")
	fs.StringVar(&c.wrk, "wrk", "wrk", "the wrk binary")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if c.rounds < 1 || c.duration < time.Second || c.duration%time.Second != 0 || c.warmup%time.Second != 0 ||
		c.conns < 1 || c.idle < 0 || c.procs < 1 {
		return config{}, fmt.Errorf("need -rounds >= 1, -duration and -warmup in whole seconds (wrk's unit), -duration >= 1s, -conns >= 1, -idle >= 0, -procs >= 1")
	}
	var err error
	if c.only, err = cli.ParseOnly(*only, serverNames()); err != nil {
		return config{}, err
	}
	c.args = args
	return c, nil
}
