package peers

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Modules are the two module directories: the bench module and, its
// parent, the async module whose examples are measured.
type Modules struct {
	Bench, Main string
}

// FindModules locates the bench module from the go command's view of the
// working directory (anywhere inside bench/, or in the main module above
// it), and takes its parent as the main module unless mainDir is given.
// cmd names the command in the error that asks to run it from bench.
func FindModules(ctx context.Context, cmd, mainDir string) (Modules, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return Modules{}, fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if checkModule(gomod, "github.com/asyncgo/async") == nil {
		// Run from the main module (its binary built there): bench is below.
		gomod = filepath.Join(filepath.Dir(gomod), "bench", "go.mod")
	}
	if err := checkModule(gomod, "github.com/asyncgo/async/bench"); err != nil {
		return Modules{}, fmt.Errorf("run %s from inside the bench module (cd bench): %w", cmd, err)
	}
	m := Modules{Bench: filepath.Dir(gomod), Main: mainDir}
	if m.Main == "" {
		m.Main = filepath.Dir(m.Bench)
	}
	if err := checkModule(filepath.Join(m.Main, "go.mod"), "github.com/asyncgo/async"); err != nil {
		return Modules{}, fmt.Errorf("the main module (-main): %w", err)
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

// BenchServer builds a server kept in the bench module, named after its
// directory.
func BenchServer(pkg string) func(context.Context, Modules, string) (string, error) {
	return func(ctx context.Context, m Modules, dir string) (string, error) {
		return GoBuild(ctx, m.Bench, pkg, filepath.Join(dir, filepath.Base(pkg)))
	}
}

// GoBuild runs "go build -o out pkg" in module directory modDir.
func GoBuild(ctx context.Context, modDir, pkg, out string) (string, error) {
	return out, Run(ctx, modDir, "go", "build", "-o", out, pkg)
}

// DebianCrates is where Debian's librust-*-dev packages put crate sources.
const DebianCrates = "/usr/share/cargo/registry"

// CargoOffline builds the release binary bin of the crate in crateDir
// offline against DebianCrates, into a target directory named target in
// the user's cache (dir when there is none), so later runs do not compile
// the dependencies again.
func CargoOffline(ctx context.Context, crateDir, target, bin, dir string) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = dir
	}
	targetDir := filepath.Join(cache, "asyncgo-bench", target)
	err = Run(ctx, crateDir, "cargo", "build", "--release", "--offline",
		"--target-dir", targetDir,
		"--config", `source.crates-io.replace-with="debian"`,
		"--config", `source.debian.directory="`+DebianCrates+`"`)
	return filepath.Join(targetDir, "release", bin), err
}

// Run runs a build command in dir, folding its output into the error.
func Run(ctx context.Context, dir, name string, args ...string) error {
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
