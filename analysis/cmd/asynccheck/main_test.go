package main

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommand builds the command and runs it both ways the package doc
// gives, standalone and as go vet's tool, on the module of the issue's
// snippets (asynccheck/testdata/mod), which imports the repository's
// packages. Each way must fail and name every finding with its line.
func TestCommand(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "asynccheck")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	mod, err := filepath.Abs("../../asynccheck/testdata/mod")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"issue13.go:16:3: the future returned by tx.Send is never awaited",
		"issue13.go:24:3: the future returned by c.WriteAll is never awaited",
		"issue13.go:25:3: r.Err is never checked",
		"issue13.go:33:3: the future returned by mu.Lock is never awaited",
		"issue13.go:34:3: mu.LockBlocking inside a coroutine",
		"issue13.go:35:3: executor.Run inside a coroutine",
		"issue13.go:37:23: Await with the Co of another coroutine",
	}
	for _, args := range [][]string{
		{bin, "./..."},
		{"go", "vet", "-vettool=" + bin, "./..."},
	} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = mod
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if exit := (*exec.ExitError)(nil); !errors.As(err, &exit) {
			t.Errorf("%s: err = %v, want a non-zero exit\n%s", strings.Join(args, " "), err, &out)
			continue
		}
		if n := strings.Count(out.String(), "issue13.go:"); n != len(want) {
			t.Errorf("%s: %d findings, want %d:\n%s", strings.Join(args, " "), n, len(want), &out)
		}
		for _, w := range want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s: no %q in:\n%s", strings.Join(args, " "), w, &out)
			}
		}
	}
}
