package wrk

import (
	"errors"
	"os"
	"testing"
	"time"
)

// TestParseCaptured reads a real run: wrk 4.1.0 (Debian), -c100 -t1 -d2s
// --latency against servers/hyperhello.
func TestParseCaptured(t *testing.T) {
	b, err := os.ReadFile("testdata/hyper-c100.txt")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Parse(string(b))
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 80804 || r.Elapsed != 2020*time.Millisecond || r.RequestsPerSec != 40008 {
		t.Errorf("got %d requests in %v, %v/s; want 80804 in 2.02s, 40008/s", r.Requests, r.Elapsed, r.RequestsPerSec)
	}
	want := map[float64]time.Duration{
		50: 1110 * time.Microsecond,
		75: 3960 * time.Microsecond,
		90: 9300 * time.Microsecond,
		99: 35250 * time.Microsecond,
	}
	for p, d := range want {
		if got, ok := r.Percentile(p); !ok || got != d {
			t.Errorf("p%v = %v, %v; want %v", p, got, ok, d)
		}
	}
	if r.Errors() != 0 {
		t.Errorf("Errors() = %d, want 0", r.Errors())
	}
}

func TestParseErrors(t *testing.T) {
	out := `Running 5s test @ http://127.0.0.1:8080/
  1 threads and 100 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   812.00us  100.00us   1.20s    90.00%
    Req/Sec   120.00k     2.00k  125.00k    70.00%
  Latency Distribution
     50%  790.00us
     75%  850.00us
     90%  900.00us
     99%    1.02s
  600000 requests in 5.00s, 50.00MB read
  Socket errors: connect 1, read 2, write 3, timeout 4
  Non-2xx or 3xx responses: 5
Requests/sec: 120000.00
Transfer/sec:     10.00MB
`
	r, err := Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	if r.ConnectErrors != 1 || r.ReadErrors != 2 || r.WriteErrors != 3 || r.Timeouts != 4 || r.Non2xx3xx != 5 || r.Errors() != 15 {
		t.Errorf("errors = %+v", r)
	}
	if p, _ := r.Percentile(50); p != 790*time.Microsecond {
		t.Errorf("p50 = %v", p)
	}
	if p, _ := r.Percentile(99); p != 1020*time.Millisecond {
		t.Errorf("p99 = %v", p)
	}
	if _, ok := r.Percentile(99.9); ok {
		t.Error("p99.9 found, wrk did not print it")
	}
}

func TestParseNoSummary(t *testing.T) {
	_, err := Parse("unable to connect to 127.0.0.1:1 Connection refused\n")
	if !errors.Is(err, ErrNoSummary) {
		t.Fatalf("err = %v, want ErrNoSummary", err)
	}
}

func TestParseDuration(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
	}{
		{"812.00us", 812 * time.Microsecond},
		{"1.11ms", 1110 * time.Microsecond},
		{"2.02s", 2020 * time.Millisecond},
		{"1.50m", 90 * time.Second},
		{"1.00h", time.Hour},
	} {
		got, err := ParseDuration(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "12", "ms", "-1ms", "1.2xs"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) succeeded", bad)
		}
	}
}
