package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/asyncgo/async/bench/internal/peers"
)

// refServer is the server the × column divides by: the targets
// are stated against hyper's CPU per request.
const refServer = "hyper"

// asyncHello is the runtime's HTTP server in the main module; until it
// exists the async rows are skipped with a note.
const asyncHello = "examples/hello"

// server is one HTTP server in the comparison and how to build it.
type server struct {
	name string
	// key names the binary: servers with the same key are built once.
	key string
	// args come after -addr host:port.
	args func(c config) []string
	// build compiles the server into dir and returns the binary's path.
	build func(ctx context.Context, m peers.Modules, dir string) (string, error)
}

// servers is the comparison in the table's order: the runtime's two
// handlers, the reference, then the Go peers.
var servers = []server{
	{name: "async", key: "asynchello", args: fixed("-handler", "native"), build: buildAsync},
	{name: "async-nethttp", key: "asynchello", args: fixed("-handler", "nethttp"), build: buildAsync},
	{name: refServer, key: "hyperhello", args: fixed(), build: buildHyper},
	{name: "fasthttp", key: "fasthttphello", args: goProcs, build: peers.BenchServer("./servers/fasthttphello")},
	{name: "nbhttp", key: "nbhttphello", args: goProcs, build: peers.BenchServer("./servers/nbhttphello")},
	{name: "nethttp", key: "nethttphello", args: goProcs, build: peers.BenchServer("./servers/nethttphello")},
}

// fixed returns the same arguments whatever the configuration.
func fixed(args ...string) func(config) []string {
	return func(config) []string { return args }
}

// goProcs passes -procs to the Go peers.
func goProcs(c config) []string { return []string{"-procs", strconv.Itoa(c.procs)} }

// serverNames lists the catalogue's names, for flag help and errors.
func serverNames() []string {
	names := make([]string, len(servers))
	for i, s := range servers {
		names[i] = s.name
	}
	return names
}

// errNoAsync marks the runtime's server as not written yet: a note, not a
// build failure.
var errNoAsync = fmt.Errorf("%s does not exist yet in the main module", asyncHello)

func buildAsync(ctx context.Context, m peers.Modules, dir string) (string, error) {
	if _, err := os.Stat(filepath.Join(m.Main, filepath.FromSlash(asyncHello))); err != nil {
		return "", errNoAsync
	}
	return peers.GoBuild(ctx, m.Main, "./"+asyncHello, filepath.Join(dir, "asynchello"))
}

// buildHyper builds servers/hyperhello offline against Debian's packaged
// crates (apt-get install librust-hyper-dev librust-tokio-dev), into a
// target directory kept in the user's cache so later runs do not compile
// hyper again.
func buildHyper(ctx context.Context, m peers.Modules, dir string) (string, error) {
	if ms, _ := filepath.Glob(filepath.Join(peers.DebianCrates, "hyper-0.14.*")); len(ms) == 0 {
		return "", fmt.Errorf("no hyper 0.14 sources in %s: apt-get install librust-hyper-dev librust-tokio-dev", peers.DebianCrates)
	}
	return peers.CargoOffline(ctx, filepath.Join(m.Bench, "servers", "hyperhello"), "hyper-target", "hyperhello", dir)
}

// built is a server ready to run.
type built struct {
	name string
	bin  string
	args []string // after -addr host:port
}

// buildAll builds the selected servers into dir. A server that fails to
// build is skipped with a note, and so are the runtime's rows while its
// server does not exist.
func buildAll(ctx context.Context, c config, m peers.Modules, dir string, logf func(string, ...any)) (ok []built, notes []string, err error) {
	type result struct {
		bin string
		err error
	}
	done := map[string]result{}
	for _, s := range servers {
		if len(c.only) > 0 && !c.only[s.name] {
			continue
		}
		r, again := done[s.key]
		if !again {
			r.bin, r.err = s.build(ctx, m, dir)
			done[s.key] = r
		}
		if r.err != nil {
			if ctx.Err() != nil {
				return nil, nil, context.Cause(ctx)
			}
			note := fmt.Sprintf("%s: skipped, its build failed: %v", s.name, r.err)
			if r.err == errNoAsync {
				note = fmt.Sprintf("%s: skipped, %s", s.name, r.err)
			}
			logf("%s", note)
			notes = append(notes, note)
			continue
		}
		if !again {
			logf("%s: built %s", s.name, r.bin)
		}
		ok = append(ok, built{name: s.name, bin: r.bin, args: s.args(c)})
	}
	return ok, notes, nil
}

// ensureWrk finds wrk, installing Debian's package when it is missing and
// this process may run apt-get (as root); otherwise it says how.
func ensureWrk(ctx context.Context, wrk string, logf func(string, ...any)) (string, error) {
	if p, err := exec.LookPath(wrk); err == nil {
		return p, nil
	}
	if wrk != "wrk" {
		return "", fmt.Errorf("-wrk %s: not found", wrk)
	}
	if _, err := exec.LookPath("apt-get"); err != nil || os.Geteuid() != 0 {
		return "", fmt.Errorf("wrk is not installed: install it (Debian: sudo apt-get install wrk) or pass -wrk /path/to/wrk")
	}
	logf("wrk is missing: apt-get install -y wrk")
	cmd := exec.CommandContext(ctx, "apt-get", "install", "-y", "wrk")
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("apt-get install wrk: %v: %s (try apt-get update first)", err, lastLines(string(out), 3))
	}
	return exec.LookPath("wrk")
}

// lastLines returns the last n lines of s, joined by " | ".
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
