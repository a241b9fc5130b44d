package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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
	build func(ctx context.Context, m modules, dir string) (string, error)
}

// servers is the comparison, in the order of the tables: the
// single-thread servers (the floor first, then the runtime under test,
// tokio, and the Go peers), then the multi-thread ones in the same order.
var servers = []server{
	{name: floorServer, key: "cepoll", build: buildCEpoll},
	{name: "async", key: "asyncecho", build: buildAsync},
	{name: "tokio", key: "tokio", build: cargoBuild},
	{name: "net", key: "netecho", build: benchServer("./servers/netecho")},
	{name: "gnet", key: "gnetecho", build: benchServer("./servers/gnetecho")},
	{name: "nbio", key: "nbioecho", build: benchServer("./servers/nbioecho")},

	{name: sharedFloorServer, key: "cepoll", multi: true, noMem: true, build: buildCEpoll},
	{name: "async-mt", key: "asyncecho", threads: true, multi: true, build: buildAsync},
	{name: "tokio-mt", key: "tokio", threads: true, multi: true, build: cargoBuild},
	{name: "net-mt", key: "netecho", multi: true, build: benchServer("./servers/netecho")},
	{name: "gnet-mt", key: "gnetecho", threads: true, multi: true, build: benchServer("./servers/gnetecho")},
}

func buildCEpoll(ctx context.Context, m modules, dir string) (string, error) {
	return gccBuild(ctx, filepath.Join(m.bench, "servers", "cepoll", "echo.c"), filepath.Join(dir, "cepoll"))
}

func buildAsync(ctx context.Context, m modules, dir string) (string, error) {
	return goBuild(ctx, m.main, "./examples/echo", filepath.Join(dir, "asyncecho"))
}

// serverNames lists the catalogue's names, for flag help and errors.
func serverNames() []string {
	names := make([]string, len(servers))
	for i, s := range servers {
		names[i] = s.name
	}
	return names
}

// benchServer builds a server kept in this module.
func benchServer(pkg string) func(context.Context, modules, string) (string, error) {
	return func(ctx context.Context, m modules, dir string) (string, error) {
		return goBuild(ctx, m.bench, pkg, filepath.Join(dir, filepath.Base(pkg)))
	}
}

// goBuild runs "go build -o out pkg" in module directory modDir.
func goBuild(ctx context.Context, modDir, pkg, out string) (string, error) {
	return out, runBuild(ctx, modDir, "go", "build", "-o", out, pkg)
}

// gccBuild compiles the C floor with the flags the report names.
func gccBuild(ctx context.Context, src, out string) (string, error) {
	args := append(append([]string{}, cFlags...), "-o", out, src)
	return out, runBuild(ctx, filepath.Dir(src), "gcc", args...)
}

// cargoBuild builds the tokio server offline against Debian's packaged
// crates (apt-get install librust-tokio-dev), into a target directory kept
// in the user's cache so later runs do not recompile tokio.
func cargoBuild(ctx context.Context, m modules, dir string) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = dir
	}
	target := filepath.Join(cache, "asyncgo-bench", "tokio-target")
	err = runBuild(ctx, filepath.Join(m.bench, "servers", "tokioecho"), "cargo", "build", "--release", "--offline",
		"--target-dir", target,
		"--config", `source.crates-io.replace-with="debian"`,
		"--config", `source.debian.directory="`+debianCrates+`"`)
	return filepath.Join(target, "release", "tokioecho"), err
}

// debianCrates is where Debian's librust-*-dev packages put crate sources.
const debianCrates = "/usr/share/cargo/registry"

// cFlags are the C compiler flags for the floor server.
var cFlags = []string{"-O2"}

// runBuild runs a build command in dir, folding its output into the error.
func runBuild(ctx context.Context, dir, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(out.String())
		if len(msg) > 600 {
			msg = msg[:600] + " …"
		}
		return fmt.Errorf("%s %s (in %s): %v: %s", name, strings.Join(args, " "), dir, err, msg)
	}
	return nil
}

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
func buildAll(ctx context.Context, m modules, dir string, only map[string]bool, threads int, logf func(string, ...any)) (load string, ok []built, notes []string, err error) {
	load, err = goBuild(ctx, m.bench, "./cmd/load", filepath.Join(dir, "load"))
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

// modules are the two module directories: this bench module and, its
// parent, the async module whose examples/echo is measured.
type modules struct {
	bench, main string
}

// findModules locates the bench module from the go command's view of the
// working directory (anywhere inside bench/, or in the main module above
// it), and takes its parent as the main module unless mainDir is given.
func findModules(ctx context.Context, mainDir string) (modules, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return modules{}, fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if checkModule(gomod, "github.com/asyncgo/async") == nil {
		// Run from the main module (its binary built there): bench is below.
		gomod = filepath.Join(filepath.Dir(gomod), "bench", "go.mod")
	}
	if err := checkModule(gomod, "github.com/asyncgo/async/bench"); err != nil {
		return modules{}, fmt.Errorf("run echobench from inside the bench module (cd bench): %w", err)
	}
	m := modules{bench: filepath.Dir(gomod), main: mainDir}
	if m.main == "" {
		m.main = filepath.Dir(m.bench)
	}
	if err := checkModule(filepath.Join(m.main, "go.mod"), "github.com/asyncgo/async"); err != nil {
		return modules{}, fmt.Errorf("the main module (-main): %w", err)
	}
	return m, nil
}

// checkModule verifies that gomod declares module path want.
func checkModule(gomod, want string) error {
	if gomod == "" || gomod == os.DevNull {
		return fmt.Errorf("not inside a Go module")
	}
	b, err := os.ReadFile(gomod)
	if err != nil {
		return err
	}
	for line := range strings.Lines(string(b)) {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			if strings.Trim(f[1], `"`) != want {
				return fmt.Errorf("%s declares module %s, want %s", gomod, f[1], want)
			}
			return nil
		}
	}
	return fmt.Errorf("%s has no module line", gomod)
}
