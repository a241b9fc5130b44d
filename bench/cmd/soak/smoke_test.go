package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

// smokeConfig is the shortest soak that judges anything: 3 s, a sample a
// second, the first second not judged.
func smokeConfig(t *testing.T) config {
	t.Helper()
	if _, err := exec.LookPath("taskset"); err != nil {
		t.Fatalf("soak needs taskset (Debian's util-linux): %v", err)
	}
	cfg, err := parseFlags([]string{"-duration", "3s", "-interval", "1s", "-warmup", "1s", "-conns", "8"})
	if err != nil {
		t.Fatal(err)
	}
	if runtime.NumCPU() < 2 {
		cfg.loadCPU = 0
	}
	return cfg
}

// TestSmokeSoak soaks examples/echo for 3 seconds: it builds it, runs
// it and the load, samples it and passes it.
func TestSmokeSoak(t *testing.T) {
	cfg := smokeConfig(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out strings.Builder
	if err := run(ctx, cfg, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	s := out.String()
	if !strings.Contains(s, "soak: PASS") || strings.Count(s, "\n    0:0") != 4 {
		t.Errorf("want four samples and a pass:\n%s", s)
	}
}

// roleLeaky makes the test binary leakyServer.
const roleLeaky = "leaky-server"

// TestSmokeLeakFails soaks a server that leaks a descriptor and a
// goroutine on every sample: the run must fail and name both.
func TestSmokeLeakFails(t *testing.T) {
	cfg := smokeConfig(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cfg.serverBin, cfg.serverEnv = self, []string{roleEnv + "=" + roleLeaky}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out strings.Builder
	err = run(ctx, cfg, &out)
	if err == nil || !strings.Contains(err.Error(), "fds kept growing after the 1s warmup: up 2 ") ||
		!strings.Contains(err.Error(), "goroutines kept growing after the 1s warmup: up 2 ") {
		t.Errorf("run of a leaky server: %v; want fds and goroutines named, each up 2\n%s", err, out.String())
	}
	t.Logf("%s\n%v", out.String(), err)
}

// leakedFiles holds what leakyServer leaks.
var leakedFiles []*os.File

// leakyServer is an echo server, with the protocol of examples/echo and
// echostats.go, that leaks a descriptor and a goroutine on each "stats"
// request. It exits when its stdin ends.
func leakyServer() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "leaky server:", err)
		os.Exit(1)
	}
	fmt.Println(answerListening, ln.Addr())
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go io.Copy(c, c)
		}
	}()
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		f, err := os.Open(os.DevNull)
		if err != nil {
			fmt.Fprintln(os.Stderr, "leaky server:", err)
			os.Exit(1)
		}
		leakedFiles = append(leakedFiles, f) // kept from the finalizer that would close it
		go func() { select {} }()
		fmt.Println(answerGoroutines, runtime.NumGoroutine())
	}
	os.Exit(0)
}
