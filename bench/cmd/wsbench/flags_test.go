package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	c, err := parseFlags([]string{"-rounds", "2", "-conns", "2000", "-pause", "0.05", "-only", "gorilla, nbio"})
	if err != nil {
		t.Fatal(err)
	}
	if c.rounds != 2 || c.conns != 2000 || c.pause != 50*time.Millisecond || c.broadcasts != 20 || c.warmup != 2 ||
		c.size != 64 || c.settle != 2*time.Second || c.out != defaultOut || c.serverCPU != 0 || c.loadCPU != 1 {
		t.Errorf("config = %+v", c)
	}
	if len(c.only) != 2 || !c.only["gorilla"] || !c.only["nbio"] {
		t.Errorf("only = %v", c.only)
	}
	for _, bad := range [][]string{
		{"-rounds", "0"},
		{"-conns", "0"},
		{"-broadcasts", "0"},
		{"-warmup", "-1"},
		{"-size", "15"},
		{"-pause", "-1s"},
		{"-only", "gnet"},
		{"extra"},
	} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("parseFlags(%q) succeeded", bad)
		}
	}
}

func TestParseFlagsQuick(t *testing.T) {
	c, err := parseFlags([]string{"-quick"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.quick || c.conns != 500 || c.broadcasts != 5 || c.rounds != 1 || c.settle != 500*time.Millisecond || c.out != "" {
		t.Errorf("-quick config = %+v", c)
	}
	// A flag given beside -quick wins, wherever it stands.
	c, err = parseFlags([]string{"-conns", "50", "-quick", "-out", "x.md"})
	if err != nil {
		t.Fatal(err)
	}
	if c.conns != 50 || c.out != "x.md" || c.broadcasts != 5 {
		t.Errorf("-quick with -conns 50 -out x.md: config = %+v", c)
	}
}

func TestServerNames(t *testing.T) {
	if got := strings.Join(serverNames(), ","); got != "async,async-futures,gorilla,gorilla-mutex,nbio" {
		t.Errorf("servers = %s", got)
	}
}
