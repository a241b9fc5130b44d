package main

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/asyncgo/async/bench/internal/loadproto"
)

func TestFromRun(t *testing.T) {
	r := runResult{
		load: loadproto.Fanout{Conns: 1000, Broadcasts: 10, Deliveries: 10000, Seconds: 2, P50us: 900, P99us: 2000, MaxUs: 2500},
		cpu:  50 * time.Millisecond, user: 20 * time.Millisecond, loadCPU: time.Second,
		rss0: 10 << 20, rssIdle: 10<<20 + 2_000_000, rssEnd: 16 << 20,
		go0: 1 << 20, goIdle: 1<<20 + 800_000,
	}
	s := newSample("x", 1)
	s.fromRun(r)
	want := sample{server: "x", round: 1, cpuNs: 5000, userNs: 2000, p50us: 900, p99us: 2000, maxUs: 2500, rssB: 2000, goB: 800, rssMiB: 16}
	if s != want {
		t.Errorf("sample = %+v\nwant %+v", s, want)
	}
	if sb, lb := r.busy(); sb != 2.5 || lb != 50 {
		t.Errorf("busy = %v, %v; want 2.5, 50", sb, lb)
	}
}

func TestSummarize(t *testing.T) {
	a1, a2, a3 := newSample("a", 1), newSample("a", 2), newSample("a", 3)
	a1.cpuNs, a2.cpuNs, a3.cpuNs = 3000, 1000, 2000
	a1.rssB, a2.rssB = 500, 700 // round 3 failed: its memory is missing
	a1.p99us, a2.p99us, a3.p99us = 12000, 9000, 30000
	failed := newSample("b", 1)
	rows := summarize([]sample{a1, failed, a2, a3}, []string{"a", "b"})
	if len(rows) != 2 || rows[0].server != "a" || rows[1].server != "b" {
		t.Fatalf("rows = %+v", rows)
	}
	if a := rows[0]; a.cpuNs != 2000 || a.rssB != 600 || a.p99us != 12000 || !math.IsNaN(a.goB) {
		t.Errorf("a = %+v; want the medians 2000 ns, 600 B, 12 ms and no Go figure", a)
	}
	var b strings.Builder
	if err := writeMarkdownTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"| server | CPU ns/msg | user ns/msg | p50 | p99 | max | RSS B/idle conn | Go B/idle conn | RSS MiB |",
		"| a | 2000 | – | – | 12.0 ms | – | 600 | – | – |",
		"| b | – | – | – | – | – | – | – | – |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestPlural(t *testing.T) {
	if got := plural(1, "round"); got != "1 round" {
		t.Errorf("plural(1) = %q", got)
	}
	if got := plural(3, "round"); got != "3 rounds" {
		t.Errorf("plural(3) = %q", got)
	}
}
