package httpreport

import (
	"math"
	"strings"
	"testing"
)

func sample(server string, round int, rps, p99, cpu, rss float64) Sample {
	return Sample{Server: server, Round: round, ReqPerSec: rps, P99us: p99, CPUusReq: cpu, RSSPerIdle: rss}
}

func TestSummarize(t *testing.T) {
	samples := []Sample{
		sample("hyper", 1, 100000, 1500, 10, 300),
		sample("net", 1, 40000, 4000, 25, 5000),
		sample("hyper", 2, 90000, 1700, 12, 320),
		sample("net", 2, 42000, 3800, 24, 5100),
		sample("hyper", 3, 95000, 1600, 11, 310),
		sample("net", 3, 41000, 3900, 33, math.NaN()),
	}
	rows := Summarize(samples, []string{"hyper", "net", "absent"}, "hyper")
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	h, n, a := rows[0], rows[1], rows[2]
	if h.ReqPerSec != 95000 || h.P99us != 1600 || h.CPUusReq != 11 || h.Ref != 1 || h.RSSPerIdle != 310 {
		t.Errorf("hyper = %+v", h)
	}
	// Ratios round by round: 2.5, 2.0, 3.0; the median is 2.5, not
	// median(cpu)/median(hyper cpu) = 25/11.
	if n.CPUusReq != 25 || n.Ref != 2.5 || n.RSSPerIdle != 5050 {
		t.Errorf("net = %+v", n)
	}
	if !math.IsNaN(a.ReqPerSec) || !math.IsNaN(a.Ref) {
		t.Errorf("absent = %+v, want NaNs", a)
	}
	if rows := Summarize(samples, []string{"net"}, "nobody"); !math.IsNaN(rows[0].Ref) {
		t.Errorf("Ref without the reference = %v, want NaN", rows[0].Ref)
	}
}

func TestWriteMarkdownTable(t *testing.T) {
	rows := []Row{
		{Server: "hyper", ReqPerSec: 95000, P99us: 1600, CPUusReq: 10.3, Ref: 1, RSSPerIdle: 310},
		{Server: "net", ReqPerSec: 41000, P99us: 12345, CPUusReq: 24, Ref: 2.33, RSSPerIdle: math.NaN()},
	}
	var b strings.Builder
	if err := WriteMarkdownTable(&b, rows, "hyper"); err != nil {
		t.Fatal(err)
	}
	want := "| server | req/s | p99 | CPU µs/req | × hyper | RSS B/idle conn |\n" +
		"|:---|---:|---:|---:|---:|---:|\n" +
		"| hyper | 95000 | 1600 µs | 10.30 | 1.00× | 310 |\n" +
		"| net | 41000 | 12.3 ms | 24.00 | 2.33× | – |\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriteTable(t *testing.T) {
	rows := []Row{
		{Server: "hyper", ReqPerSec: 95000, P99us: 1600, CPUusReq: 10.3, Ref: 1, RSSPerIdle: 310},
		{Server: "async-nethttp", ReqPerSec: 5, P99us: math.NaN(), CPUusReq: 1, Ref: math.NaN(), RSSPerIdle: 9},
	}
	var b strings.Builder
	if err := WriteTable(&b, rows, "hyper"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4:\n%s", len(lines), b.String())
	}
	width := len([]rune(lines[0]))
	for i, l := range lines {
		if n := len([]rune(l)); n != width {
			t.Errorf("line %d is %d runes wide, want %d:\n%s", i, n, width, b.String())
		}
	}
	if !strings.HasPrefix(lines[3], "async-nethttp") || !strings.Contains(lines[3], "–") {
		t.Errorf("last line %q", lines[3])
	}
}
