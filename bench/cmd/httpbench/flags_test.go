package main

import (
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	c, err := parseFlags([]string{"-rounds", "2", "-duration", "3", "-warmup", "0", "-idle", "500", "-only", "hyper, nethttp"})
	if err != nil {
		t.Fatal(err)
	}
	if c.rounds != 2 || c.duration != 3*time.Second || c.warmup != 0 || c.idle != 500 || c.procs != 1 || c.conns != 100 {
		t.Errorf("config = %+v", c)
	}
	if len(c.only) != 2 || !c.only["hyper"] || !c.only["nethttp"] {
		t.Errorf("only = %v", c.only)
	}
	for _, bad := range [][]string{
		{"-duration", "1.5"},
		{"-duration", "500ms"},
		{"-warmup", "1500ms"},
		{"-rounds", "0"},
		{"-procs", "0"},
		{"-only", "tokio"},
		{"extra"},
	} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("parseFlags(%q) succeeded", bad)
		}
	}
}

func TestWrkSeconds(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Second:      "1s",
		5 * time.Second:  "5s",
		90 * time.Second: "90s",
		0:                "1s",
	} {
		if got := wrkSeconds(d); got != want {
			t.Errorf("wrkSeconds(%v) = %q, want %q", d, got, want)
		}
	}
}
