package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// runMainEnv, set in a child's environment, makes the test binary run
// the command's main instead of the tests.
const runMainEnv = "DELAYSERVER_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// command returns the command run with args, as its own process.
func command(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	return cmd
}

// TestServeEachImpl runs the command with each -impl, asks it for one
// answer, stops it with SIGINT, and checks its output and exit status.
func TestServeEachImpl(t *testing.T) {
	for _, impl := range []string{"nethttp", "async"} {
		t.Run(impl, func(t *testing.T) {
			cmd := command("-impl", impl, "-addr", "127.0.0.1:0")
			var stdout bytes.Buffer
			cmd.Stdout = &stdout
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill() // if the test fails before the SIGINT
			line, err := bufio.NewReader(stderr).ReadString('\n')
			if err != nil {
				t.Fatalf("reading the first line of stderr: %v (%q)", err, line)
			}
			url, ok := strings.CutPrefix(strings.TrimSuffix(line, " ("+impl+")\n"), "listening on ")
			if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") || strings.Contains(url, " ") {
				t.Fatalf("stderr's first line %q; want listening on http://127.0.0.1:port (%s)", line, impl)
			}

			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
			resp, err := client.Get(url + "/10/hello%20" + impl)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || string(body) != "hello "+impl {
				t.Errorf("GET: %d %q %v; want 200 %q", resp.StatusCode, body, err, "hello "+impl)
			}

			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			rest, _ := io.ReadAll(stderr) // Wait closes the pipe: read it first
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("after SIGINT: %v; stderr %q", err, rest)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the command did not stop on SIGINT")
			}
			if want := "#1 - 10ms: hello " + impl + "\n"; stdout.String() != want {
				t.Errorf("stdout %q, want %q", stdout.String(), want)
			}
		})
	}
}

func TestBadImpl(t *testing.T) {
	out, err := command("-impl", "bogus", "-addr", "127.0.0.1:0").CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("-impl bogus: %v; want exit status 2; output %q", err, out)
	}
	if !strings.Contains(string(out), `"bogus"`) || !strings.Contains(string(out), "usage: delayserver") {
		t.Errorf("-impl bogus: output %q; want the bad value named and the usage", out)
	}
}
