package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
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
	secondsVar(fs, &c.duration, "duration", 5*time.Second, "CPU test: wrk's -d, whole seconds (5, 5s)")
	secondsVar(fs, &c.warmup, "warmup", time.Second, "CPU test: a wrk run before the measured one, not counted (0: none)")
	fs.IntVar(&c.conns, "conns", 100, "CPU test: wrk's -c, keep-alive connections")
	fs.IntVar(&c.idle, "idle", 10000, "memory test: idle keep-alive connections to hold (0 skips the test)")
	fs.IntVar(&c.procs, "procs", 1, "GOMAXPROCS of the Go peers (fasthttp, nbhttp, nethttp)")
	only := fs.String("only", "", "comma-separated servers to run (default all: "+strings.Join(serverNames(), ",")+")")
	fs.StringVar(&c.out, "out", "", "also write the markdown report to this file")
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
	if c.only, err = parseOnly(*only, serverNames()); err != nil {
		return config{}, err
	}
	c.args = args
	return c, nil
}

// seconds is a duration flag that also takes a bare number of seconds, so
// "-duration 2" and "-duration 2s" mean the same.
type seconds struct{ d *time.Duration }

func (s seconds) String() string {
	if s.d == nil {
		return ""
	}
	return s.d.String()
}

// Set parses a Go duration or a number of seconds; it must not be negative.
func (s seconds) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		f, ferr := strconv.ParseFloat(v, 64)
		if ferr != nil {
			return fmt.Errorf("%q is neither a duration (2s, 1m) nor a number of seconds", v)
		}
		d = time.Duration(f * float64(time.Second))
	}
	if d < 0 {
		return fmt.Errorf("%q is negative", v)
	}
	*s.d = d
	return nil
}

// secondsVar defines a seconds flag.
func secondsVar(fs *flag.FlagSet, p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	fs.Var(seconds{p}, name, usage)
}

// parseOnly turns "-only a,b" into a set, checking every name is known.
func parseOnly(v string, known []string) (map[string]bool, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	set := map[string]bool{}
	for name := range strings.SplitSeq(v, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		found := false
		for _, k := range known {
			found = found || k == name
		}
		if !found {
			return nil, fmt.Errorf("-only: unknown server %q (known: %s)", name, strings.Join(known, ", "))
		}
		set[name] = true
	}
	return set, nil
}

// commandLine renders how to rerun this invocation from the bench module,
// quoting arguments the shell would split or expand.
func commandLine(args []string) string {
	parts := []string{"cd bench && go run ./cmd/httpbench"}
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~!") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}
