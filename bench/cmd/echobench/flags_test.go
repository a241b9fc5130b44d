package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"-rounds", "1", "-duration", "2", "-memconns", "2000", "-only", "net, c-epoll"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.rounds != 1 || cfg.duration != 2*time.Second || cfg.memConns != 2000 || !cfg.only["net"] || !cfg.only["c-epoll"] || len(cfg.only) != 2 {
		t.Errorf("parseFlags = %+v", cfg)
	}
	if cfg.warmup != time.Second || cfg.conns != 100 || cfg.size != 64 || cfg.threads != 2 || cfg.sharedCPUs != "0,1" {
		t.Errorf("defaults: warmup %v conns %d size %d threads %d shared-cpus %q", cfg.warmup, cfg.conns, cfg.size, cfg.threads, cfg.sharedCPUs)
	}
	for _, bad := range [][]string{{"-only", "tokyo"}, {"-rounds", "0"}, {"-duration", "0"}, {"-threads", "1"}, {"-shared-cpus", ""}, {"stray"}} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("parseFlags(%q) succeeded, want an error", bad)
		}
	}
}

func TestResolvePath(t *testing.T) {
	if got := resolvePath(defaultPath+"docs/bench.svg", "/m"); got != filepath.Join("/m", "docs", "bench.svg") {
		t.Errorf("default chart resolves to %s", got)
	}
	if got := resolvePath("/tmp/x.md", "/m"); got != "/tmp/x.md" {
		t.Errorf("explicit path changed to %s", got)
	}
	if got := resolvePath("", "/m"); got != "" {
		t.Errorf("empty path changed to %s", got)
	}
}

func TestServerNames(t *testing.T) {
	names := strings.Join(serverNames(), ",")
	if names != "c-epoll,async,tokio,net,gnet,nbio,c-epoll-shared,async-mt,tokio-mt,net-mt,gnet-mt" {
		t.Errorf("servers = %s", names)
	}
}
