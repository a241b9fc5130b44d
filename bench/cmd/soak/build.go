package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// echoStats is the source of echostats.go, which buildEcho adds to
// examples/echo.
//
//go:embed echostats.go
var echoStats []byte

// echoStatsTag is the build tag that echostats.go needs.
const echoStatsTag = "soakecho"

// mainModule is the import path of the module whose examples/echo soak
// runs.
const mainModule = "github.com/asyncgo/async"

// findMain returns the directory of the async module: dir if it is given,
// else the parent of the module the go command sees from the working
// directory when that is the bench module, or that module itself when it
// is the async module.
func findMain(ctx context.Context, dir string) (string, error) {
	if dir == "" {
		out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
		if err != nil {
			return "", fmt.Errorf("go env GOMOD: %w", err)
		}
		gomod := strings.TrimSpace(string(out))
		if gomod == "" || gomod == os.DevNull {
			return "", fmt.Errorf("not inside a Go module: run soak from the bench module (cd bench), or give -main")
		}
		dir = filepath.Dir(gomod)
		if modulePath(gomod) != mainModule {
			dir = filepath.Dir(dir) // bench/go.mod: its parent
		}
	}
	if got := modulePath(filepath.Join(dir, "go.mod")); got != mainModule {
		return "", fmt.Errorf("%s is not the %s module (its go.mod declares %q); give -main", dir, mainModule, got)
	}
	return dir, nil
}

// modulePath returns the module path gomod declares, or "" if it cannot
// be read or declares none.
func modulePath(gomod string) string {
	b, err := os.ReadFile(gomod)
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(b)) {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}

// buildEcho builds examples/echo of the module in mainDir into dir, with
// echostats.go added to the package through an overlay, and returns the
// binary's path. The module's own files are not touched.
func buildEcho(ctx context.Context, mainDir, dir string) (string, error) {
	src := filepath.Join(dir, "echostats.go")
	if err := os.WriteFile(src, echoStats, 0o644); err != nil {
		return "", fmt.Errorf("build the server: %w", err)
	}
	overlay, err := json.Marshal(map[string]map[string]string{
		"Replace": {filepath.Join(mainDir, "examples", "echo", "zz_soak_echostats.go"): src},
	})
	if err != nil {
		return "", fmt.Errorf("build the server: overlay: %w", err)
	}
	overlayFile := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		return "", fmt.Errorf("build the server: %w", err)
	}
	bin := filepath.Join(dir, "echo")
	args := []string{"build", "-tags", echoStatsTag, "-overlay", overlayFile, "-o", bin, "./examples/echo"}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = mainDir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build the server: go %s (in %s): %v: %s", strings.Join(args, " "), mainDir, err, strings.TrimSpace(out.String()))
	}
	return bin, nil
}
