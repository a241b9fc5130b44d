package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/asyncgo/async/bench/internal/peers"
)

// floorServer is the server every other's CPU is compared with.
const floorServer = "c-epoll"

// The multi-thread table's floor: the same single-threaded C server as
// floorServer, measured in the multi-thread servers' arrangement.
const sharedFloorServer = "c-epoll-shared"

// server is one echo server in the comparison and how to build it.
type server struct {
	name string
	// key names the binary: servers with the same key are built once.
	key string
	// threads: the server takes -threads N, the multi-thread table's
	// workers; without it, it runs single-threaded (or, a Go server, with
	// GOMAXPROCS set by the CPUs it is pinned to).
	threads bool
	// multi puts the server in the multi-thread table: pinned, with the
	// load, to the shared CPUs.
	multi bool
	// noMem skips its memory test (the shared floor: the same program as
	// floorServer, whose memory is measured already).
	noMem bool
	// build compiles the server into dir and returns the binary's path.
	build func(ctx context.Context, m peers.Modules, dir string) (string, error)
}

// servers is the comparison, in the order of the tables: the
// single-thread servers (the floor first, then the runtime under test,
// tokio, and the Go peers), then the multi-thread ones in the same order.
var servers = []server{
	{name: floorServer, key: "cepoll", build: buildCEpoll},
	{name: "async", key: "asyncecho", build: buildAsync},
	{name: "tokio", key: "tokio", build: cargoBuild},
	{name: "net", key: "netecho", build: peers.BenchServer("./servers/netecho")},
	{name: "gnet", key: "gnetecho", build: peers.BenchServer("./servers/gnetecho")},
	{name: "nbio", key: "nbioecho", build: peers.BenchServer("./servers/nbioecho")},

	{name: sharedFloorServer, key: "cepoll", multi: true, noMem: true, build: buildCEpoll},
	{name: "async-mt", key: "asyncecho", threads: true, multi: true, build: buildAsync},
	{name: "tokio-mt", key: "tokio", threads: true, multi: true, build: cargoBuild},
	{name: "net-mt", key: "netecho", multi: true, build: peers.BenchServer("./servers/netecho")},
	{name: "gnet-mt", key: "gnetecho", threads: true, multi: true, build: peers.BenchServer("./servers/gnetecho")},
}

func buildCEpoll(ctx context.Context, m peers.Modules, dir string) (string, error) {
	return gccBuild(ctx, filepath.Join(m.Bench, "servers", "cepoll", "echo.c"), filepath.Join(dir, "cepoll"))
}

func buildAsync(ctx context.Context, m peers.Modules, dir string) (string, error) {
	return peers.GoBuild(ctx, m.Main, "./examples/echo", filepath.Join(dir, "asyncecho"))
}

// serverNames lists the catalogue's names, for flag help and errors.
func serverNames() []string {
	names := make([]string, len(servers))
	for i, s := range servers {
		names[i] = s.name
	}
	return names
}

// gccBuild compiles the C floor with the flags the report names.
func gccBuild(ctx context.Context, src, out string) (string, error) {
	args := append(append([]string{}, cFlags...), "-o", out, src)
	return out, peers.Run(ctx, filepath.Dir(src), "gcc", args...)
}

// cargoBuild builds the tokio server offline against Debian's packaged
// crates (apt-get install librust-tokio-dev), into a target directory kept
// in the user's cache so later runs do not recompile tokio.
func cargoBuild(ctx context.Context, m peers.Modules, dir string) (string, error) {
	return peers.CargoOffline(ctx, filepath.Join(m.Bench, "servers", "tokioecho"), "tokio-target", "tokioecho", dir)
}

// cFlags are the C compiler flags for the floor server.
var cFlags = []string{"-O2"}

// built is a server ready to run.
type built struct {
	name  string
	bin   string
	args  []string // after -addr host:port
	multi bool     // in the multi-thread table
	noMem bool     // no memory test
}

// buildAll builds the selected servers and the load generator into dir;
// threads is the multi-thread servers' -threads (0: leave them out). A
// server that fails to build is skipped with a note; the load generator
// failing is fatal.
func buildAll(ctx context.Context, m peers.Modules, dir string, only map[string]bool, threads int, logf func(string, ...any)) (load string, ok []built, notes []string, err error) {
	load, err = peers.GoBuild(ctx, m.Bench, "./cmd/load", filepath.Join(dir, "load"))
	if err != nil {
		return "", nil, nil, fmt.Errorf("build the load generator: %w", err)
	}
	type result struct {
		bin string
		err error
	}
	done := map[string]result{}
	for _, s := range servers {
		if len(only) > 0 && !only[s.name] || s.multi && threads == 0 {
			continue
		}
		r, again := done[s.key]
		if !again {
			r.bin, r.err = s.build(ctx, m, dir)
			done[s.key] = r
		}
		if r.err != nil {
			if ctx.Err() != nil {
				return "", nil, nil, context.Cause(ctx)
			}
			if !again {
				logf("%s: skipped, its build failed: %v", s.name, r.err)
			}
			notes = append(notes, fmt.Sprintf("%s: skipped, its build failed.", s.name))
			continue
		}
		if !again {
			logf("%s: built %s", s.name, r.bin)
		}
		b := built{name: s.name, bin: r.bin, multi: s.multi, noMem: s.noMem}
		if s.threads {
			b.args = []string{"-threads", strconv.Itoa(threads)}
		}
		ok = append(ok, b)
	}
	return load, ok, notes, nil
}
