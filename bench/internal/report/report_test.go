package report

import (
	"bytes"
	"encoding/xml"
	"math"
	"strings"
	"testing"
	"time"
)

// sampleRuns is two rounds of three servers; "nbio" lacks a memory number.
func sampleRuns() []Sample {
	mk := func(server string, round int, mps, cpu, rss float64) Sample {
		s := NewSample(server, round)
		s.MsgsPerSec, s.P50us, s.P99us, s.CPUusMsg, s.RSSPerConn = mps, 900, 2100, cpu, rss
		return s
	}
	return []Sample{
		mk("c-epoll", 1, 100000, 10, 100), mk("async", 1, 99000, 10.5, 380), mk("nbio", 1, 90000, 12, math.NaN()),
		mk("c-epoll", 2, 100000, 9, 120), mk("async", 2, 98000, 9.9, 400), mk("nbio", 2, 88000, 11.7, math.NaN()),
	}
}

func testMeta() Meta {
	return Meta{Command: "cd bench && go run ./cmd/echobench", Rounds: 2, Conns: 100, Size: 64,
		Duration: 5 * time.Second, Warmup: time.Second, MemConns: 15000, MemSize: 64,
		ServerCPU: 0, LoadCPU: 1, Shared: "0,1", Workers: 2,
		CPUModel: "Test CPU", Cores: 2, Kernel: "6.1", GoVersion: "go1.26", CC: "gcc -O2",
		Date: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), Chart: "docs/bench.svg",
		Notes: []string{"tokio: skipped (cargo not found)"}}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{{[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}, {[]float64{math.NaN(), 5}, 5}} {
		if got := Median(tc.in); got != tc.want {
			t.Errorf("Median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if got := Median([]float64{math.NaN()}); !math.IsNaN(got) {
		t.Errorf("Median of nothing = %v, want NaN", got)
	}
}

func TestSummarize(t *testing.T) {
	rows := Summarize(sampleRuns(), []string{"c-epoll", "async", "nbio", "absent"}, "c-epoll")
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4", len(rows))
	}
	a := rows[1]
	if a.Server != "async" || a.MsgsPerSec != 98500 || a.CPUusMsg != 10.2 || a.RSSPerConn != 390 {
		t.Errorf("async row = %+v", a)
	}
	// Ratios are per round (10.5/10 and 9.9/9), then the median.
	if want := (1.05 + 1.1) / 2; math.Abs(a.Floor-want) > 1e-9 {
		t.Errorf("async × floor = %v, want %v", a.Floor, want)
	}
	if rows[0].Floor != 1 {
		t.Errorf("floor's own ratio = %v, want 1", rows[0].Floor)
	}
	if !math.IsNaN(rows[2].RSSPerConn) || !math.IsNaN(rows[3].CPUusMsg) {
		t.Errorf("missing values should be NaN: %+v %+v", rows[2], rows[3])
	}
}

func TestWriteTable(t *testing.T) {
	var b bytes.Buffer
	rows := Summarize(sampleRuns(), []string{"c-epoll", "async", "nbio"}, "c-epoll")
	if err := WriteTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("table has %d lines, want 5:\n%s", len(lines), b.String())
	}
	width := len([]rune(lines[0]))
	for _, l := range lines {
		if len([]rune(l)) != width {
			t.Errorf("line %q is %d wide, want %d (aligned)", l, len([]rune(l)), width)
		}
	}
	for _, want := range []string{"async", "98500", "10.20", "1.08×", "390", "900 µs", "2100 µs", "–"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}

// multiRuns is two rounds of the multi-thread table: its floor and async-mt.
func multiRuns() []Sample {
	mk := func(server string, round int, cpu, rss float64) Sample {
		s := NewSample(server, round)
		s.MsgsPerSec, s.P50us, s.P99us, s.CPUusMsg, s.RSSPerConn = 80000, 1200, 3000, cpu, rss
		return s
	}
	return []Sample{mk("c-epoll-shared", 1, 8, 0), mk("async-mt", 1, 12, 420), mk("c-epoll-shared", 2, 8, 0), mk("async-mt", 2, 12, 440)}
}

// testTables are the two tables, as the harness makes them.
func testTables() []Table {
	return []Table{
		{Title: "Single-thread servers", Floor: "c-epoll", Rows: Summarize(sampleRuns(), []string{"c-epoll", "async", "nbio"}, "c-epoll")},
		{Title: "Multi-thread servers", Floor: "c-epoll-shared", Shared: true,
			Rows: Summarize(multiRuns(), []string{"c-epoll-shared", "async-mt"}, "c-epoll-shared")},
	}
}

func TestWriteMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMarkdown(&b, testTables(), testMeta()); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{"## Single-thread servers", "## Multi-thread servers", "share CPUs 0,1",
		"| server | msgs/s |", "| async | 98500 |", "| async-mt | 80000 | 1200 µs | 3000 µs | 12.00 | 1.50× | 430 |", "![", "docs/bench.svg",
		"cd bench && go run ./cmd/echobench", "Test CPU, 2 cores", "Linux 6.1", "go1.26", "2026-01-02", "tokio: skipped"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestWriteChart(t *testing.T) {
	var b bytes.Buffer
	if err := WriteChart(&b, testTables(), testMeta()); err != nil {
		t.Fatal(err)
	}
	// Well-formed XML, every element closed.
	dec := xml.NewDecoder(bytes.NewReader(b.Bytes()))
	for {
		_, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("chart is not well-formed XML: %v", err)
			}
			break
		}
	}
	svg := b.String()
	// 3 + 2 CPU bars, 3 RSS bars (nbio has no RSS, the second table's
	// floor is left out) + the background.
	if n := strings.Count(svg, "<rect"); n != 9 {
		t.Errorf("%d rects, want 9", n)
	}
	for _, want := range []string{"10.20 (1.08×)", "12.00 (1.50×)", "390", "430", "not measured", "C floor", "15,000 connections", "Test CPU", "Multi-thread servers"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
}

func TestThousands(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 15000: "15,000", 1234567.4: "1,234,567", -4400: "-4,400"} {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%v) = %q, want %q", in, got, want)
		}
	}
}
