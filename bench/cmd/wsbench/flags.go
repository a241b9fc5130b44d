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
	rounds     int
	conns      int           // WebSocket connections, the sender included
	broadcasts int           // counted broadcasts a run
	warmup     int           // broadcasts before the memory test, not counted
	size       int           // message size in bytes
	pause      time.Duration // between a broadcast's last delivery and the next send
	settle     time.Duration // idle connections' quiet time before the memory reading
	only       map[string]bool
	out        string // markdown report; "" writes none
	serverCPU  int
	loadCPU    int
	quick      bool
	args       []string // as given, for the report
}

// defaultOut is the -out that names the main module's BENCHMARKS.md.
const defaultOut = "<main module>/BENCHMARKS.md"

// quickSettings are what -quick changes, unless the flag is given too: a
// smoke run of seconds that writes no report.
var quickSettings = map[string]string{
	"conns":      "500",
	"broadcasts": "5",
	"rounds":     "1",
	"settle":     "500ms",
	"out":        "",
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("wsbench", flag.ContinueOnError)
	fs.IntVar(&c.rounds, "rounds", 3, "interleaved rounds; the table shows medians over them")
	fs.IntVar(&c.conns, "conns", 10000, "WebSocket connections, the sender among them (each process may open 20,000 files here)")
	fs.IntVar(&c.broadcasts, "broadcasts", 20, "counted broadcasts a run, each to every connection")
	fs.IntVar(&c.warmup, "warmup", 2, "broadcasts before the memory test and the counted ones, not counted")
	fs.IntVar(&c.size, "size", 64, "message size in bytes, at least 16 (a sequence number and the send time, then padding)")
	cli.SecondsVar(fs, &c.pause, "pause", 100*time.Millisecond, "pause between a broadcast's last delivery and the next send (0.1, 100ms)")
	cli.SecondsVar(fs, &c.settle, "settle", 2*time.Second, "how long the idle connections stay quiet before the server's memory is read")
	only := fs.String("only", "", "comma-separated servers to run (default all: "+strings.Join(serverNames(), ",")+")")
	fs.StringVar(&c.out, "out", defaultOut, "also write the markdown report as the wsbench section of this file (\"\" for none)")
	fs.IntVar(&c.serverCPU, "server-cpu", 0, "CPU the server is pinned to")
	fs.IntVar(&c.loadCPU, "load-cpu", 1, "CPU the load generator is pinned to")
	fs.BoolVar(&c.quick, "quick", false, "a smoke run: -conns 500 -broadcasts 5 -rounds 1 -settle 500ms -out '' unless given")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if c.quick {
		if err := applyQuick(fs); err != nil {
			return config{}, err
		}
	}
	if c.rounds < 1 || c.conns < 1 || c.broadcasts < 1 || c.warmup < 0 || c.size < 16 {
		return config{}, fmt.Errorf("need -rounds >= 1, -conns >= 1, -broadcasts >= 1, -warmup >= 0, -size >= 16")
	}
	var err error
	if c.only, err = cli.ParseOnly(*only, serverNames()); err != nil {
		return config{}, err
	}
	c.args = args
	return c, nil
}

// applyQuick sets the flags of quickSettings that the command line left
// alone.
func applyQuick(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for name, v := range quickSettings {
		if given[name] {
			continue
		}
		if err := fs.Set(name, v); err != nil {
			return fmt.Errorf("-quick: -%s %s: %w", name, v, err)
		}
	}
	return nil
}
