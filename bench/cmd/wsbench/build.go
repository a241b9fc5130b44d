package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/asyncgo/async/bench/internal/peers"
)

// server is one broadcast server in the comparison and how to build it.
type server struct {
	name string
	// pkg is its package in the bench module; servers with the same pkg
	// are built once.
	pkg  string
	args []string // after -addr host:port
}

// servers is the comparison in the table's order: the runtime's server,
// then the peers.
var servers = []server{
	{name: "async", pkg: "./servers/wsasync", args: []string{"-tasks", "coroutines"}},
	{name: "async-futures", pkg: "./servers/wsasync", args: []string{"-tasks", "futures"}},
	{name: "gorilla", pkg: "./servers/wsgorilla", args: []string{"-writer", "hub"}},
	{name: "gorilla-mutex", pkg: "./servers/wsgorilla", args: []string{"-writer", "mutex"}},
	{name: "nbio", pkg: "./servers/wsnbio"},
}

// serverNames lists the catalogue's names, for flag help and errors.
func serverNames() []string {
	names := make([]string, len(servers))
	for i, s := range servers {
		names[i] = s.name
	}
	return names
}

// built is a server ready to run.
type built struct {
	name string
	bin  string
	args []string // after -addr host:port
}

// buildAll builds the load generator and the selected servers into dir. A
// server that fails to build is skipped with a note; the load generator
// failing is fatal.
func buildAll(ctx context.Context, m peers.Modules, dir string, only map[string]bool, logf func(string, ...any)) (load string, ok []built, notes []string, err error) {
	load, err = peers.GoBuild(ctx, m.Bench, "./cmd/wsbench/wsload", filepath.Join(dir, "wsload"))
	if err != nil {
		return "", nil, nil, fmt.Errorf("build the load generator: %w", err)
	}
	type result struct {
		bin string
		err error
	}
	done := map[string]result{}
	for _, s := range servers {
		if len(only) > 0 && !only[s.name] {
			continue
		}
		r, again := done[s.pkg]
		if !again {
			r.bin, r.err = peers.BenchServer(s.pkg)(ctx, m, dir)
			done[s.pkg] = r
		}
		if r.err != nil {
			if ctx.Err() != nil {
				return "", nil, nil, context.Cause(ctx)
			}
			note := fmt.Sprintf("%s: skipped, its build failed: %v", s.name, r.err)
			logf("%s", note)
			notes = append(notes, note)
			continue
		}
		if !again {
			logf("%s: built %s", s.name, r.bin)
		}
		ok = append(ok, built{name: s.name, bin: r.bin, args: s.args})
	}
	return load, ok, notes, nil
}
