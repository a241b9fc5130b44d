package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/asyncgo/async/bench/internal/growth"
)

// config is the soak the flags ask for.
type config struct {
	duration, interval, warmup time.Duration
	conns, size                int
	timeout                    time.Duration
	serverCPU, loadCPU         int
	mainDir                    string // "" finds it from the working directory

	// serverBin, when set, is run as the server instead of a build of
	// examples/echo, with serverEnv added to its environment: tests
	// soak a server that leaks.
	serverBin string
	serverEnv []string
}

// maxSize bounds -size: a message and its echo fit in the socket buffers
// whole, so ping-pong never waits on flow control.
const maxSize = 64 << 10

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.DurationVar(&c.duration, "duration", 10*time.Minute, "how long to run the load")
	fs.DurationVar(&c.interval, "interval", 10*time.Second, "time between samples of the server")
	fs.DurationVar(&c.warmup, "warmup", time.Minute, "samples before this are shown but not judged")
	fs.IntVar(&c.conns, "conns", 50, "ping-pong connections")
	fs.IntVar(&c.size, "size", 256, fmt.Sprintf("longest message in bytes; messages vary from %d to this", headerSize))
	fs.DurationVar(&c.timeout, "timeout", 10*time.Second, "an echo (or a connect) slower than this fails the run")
	fs.IntVar(&c.serverCPU, "server-cpu", 0, "CPU the server is pinned to")
	fs.IntVar(&c.loadCPU, "load-cpu", 1, "CPU the load is pinned to")
	fs.StringVar(&c.mainDir, "main", "", "the async module's `directory`, whose examples/echo is soaked (default: the parent of the bench module)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch {
	case c.duration <= 0 || c.interval <= 0 || c.timeout <= 0:
		return config{}, fmt.Errorf("-duration, -interval and -timeout must be positive")
	case c.warmup < 0 || c.warmup >= c.duration:
		return config{}, fmt.Errorf("-warmup %v must be at least 0 and less than -duration %v", c.warmup, c.duration)
	case c.conns < 1:
		return config{}, fmt.Errorf("-conns %d: need at least 1", c.conns)
	case c.size < headerSize || c.size > maxSize:
		return config{}, fmt.Errorf("-size %d: need %d to %d bytes", c.size, headerSize, maxSize)
	case c.serverCPU < 0 || c.loadCPU < 0:
		return config{}, fmt.Errorf("-server-cpu and -load-cpu must not be negative")
	}
	if n := judged(sampleTimes(c.duration, c.interval), c.warmup); n < growth.MinSamples {
		return config{}, fmt.Errorf("-duration %v, -interval %v and -warmup %v leave %d samples to judge, need %d: lengthen -duration or shorten -interval or -warmup",
			c.duration, c.interval, c.warmup, n, growth.MinSamples)
	}
	return c, nil
}

func main() {
	if role := os.Getenv(roleEnv); role != "" {
		os.Exit(runRole(role, os.Args[1:]))
	}
	cfg, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err = run(ctx, cfg, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak: FAIL:", err)
		os.Exit(1)
	}
}

// runRole runs this program as a child of soak and returns its exit code.
func runRole(role string, args []string) int {
	var err error
	if role == roleLoad {
		err = loadRole(args, os.Stdin, os.Stdout)
	} else {
		err = fmt.Errorf("%s=%q: not a role (want %s)", roleEnv, role, roleLoad)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "soak %s: %v\n", role, err)
		return 1
	}
	return 0
}

// Bounds on the steps of a run, so that it always ends.
const (
	buildTimeout = 5 * time.Minute  // go build of the server
	startTimeout = 10 * time.Second // the server printing its address
	askTimeout   = 5 * time.Second  // a child answering "stats"
	exitGrace    = 5 * time.Second  // a child exiting once its stdin closes, beyond -timeout
)

// run builds the server, starts it and the load, samples the server until
// cfg.duration, prints the samples to out as it takes them and the
// verdict at the end. It returns an error for anything that failed the
// run: a connection, an echo, a child, or a resource that kept growing.
// Every child is dead when it returns.
func run(ctx context.Context, cfg config, out io.Writer) error {
	if _, err := exec.LookPath("taskset"); err != nil {
		return fmt.Errorf("taskset (util-linux) is needed to pin the server and the load: %w", err)
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find this program to start it as the load: %w", err)
	}
	echo := cfg.serverBin
	if echo == "" {
		mainDir, err := findMain(ctx, cfg.mainDir)
		if err != nil {
			return err
		}
		tmp, err := os.MkdirTemp("", "soak-")
		if err != nil {
			return fmt.Errorf("build the server: %w", err)
		}
		defer os.RemoveAll(tmp)
		bctx, cancel := context.WithTimeout(ctx, buildTimeout)
		echo, err = buildEcho(bctx, mainDir, tmp)
		cancel()
		if err != nil {
			return err
		}
	}

	srv, err := startPinned("server", cfg.serverCPU, cfg.serverEnv, echo, "-addr", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer srv.kill()
	line, err := srv.expect(ctx, "its address", startTimeout)
	if err != nil {
		return err
	}
	addr, ok := cutField(line, answerListening)
	if !ok {
		return fmt.Errorf("server printed %q, want %q and its address", line, answerListening)
	}

	load, err := startPinned("load", cfg.loadCPU, []string{roleEnv + "=" + roleLoad}, self, "-addr", addr,
		"-conns", strconv.Itoa(cfg.conns), "-size", strconv.Itoa(cfg.size), "-timeout", cfg.timeout.String())
	if err != nil {
		return err
	}
	defer load.kill()
	// Connecting is sequential: each connect and its first echo within
	// -timeout, and usually far quicker.
	line, err = load.expect(ctx, "its connections", time.Duration(cfg.conns+1)*cfg.timeout)
	if err != nil {
		return err
	}
	if line != answerReady {
		return fmt.Errorf("load printed %q, want %q", line, answerReady)
	}

	fmt.Fprintf(out, "soak: server pid %d on CPU %d, load pid %d on CPU %d: %d connections to %s, messages of %d to %d bytes; a sample every %v for %v, judged from %v\n",
		srv.pid, cfg.serverCPU, load.pid, cfg.loadCPU, cfg.conns, addr, headerSize, cfg.size, cfg.interval, cfg.duration, cfg.warmup)
	s := &sampler{srv: srv, load: load, proc: "/proc"}
	samples, err := s.run(ctx, sampleTimes(cfg.duration, cfg.interval), out)
	if err != nil {
		return err
	}
	// The load stops first, so the server sees its connections close
	// before it is told to stop.
	if err := load.stop(cfg.timeout + exitGrace); err != nil {
		return err
	}
	if err := srv.stop(exitGrace); err != nil {
		return err
	}
	verdicts, err := judge(samples, cfg.warmup)
	if err != nil {
		return err
	}
	return report(out, verdicts, samples, cfg)
}

// cutField returns the rest of line after "name ", if it starts so.
func cutField(line, name string) (string, bool) {
	v, ok := strings.CutPrefix(line, name+" ")
	return v, ok && v != ""
}
