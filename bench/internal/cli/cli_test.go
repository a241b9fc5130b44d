package cli

import (
	"testing"
	"time"
)

func TestSeconds(t *testing.T) {
	for in, want := range map[string]time.Duration{"2": 2 * time.Second, "2s": 2 * time.Second, "0.5": 500 * time.Millisecond, "300ms": 300 * time.Millisecond} {
		var d time.Duration
		if err := (Seconds{&d}).Set(in); err != nil || d != want {
			t.Errorf("Set(%q) = %v, %v; want %v", in, d, err, want)
		}
	}
	for _, bad := range []string{"", "two", "-1", "-1s"} {
		var d time.Duration
		if err := (Seconds{&d}).Set(bad); err == nil {
			t.Errorf("Set(%q) succeeded, want an error", bad)
		}
	}
}

func TestParseOnly(t *testing.T) {
	set, err := ParseOnly(" a, c ,", []string{"a", "b", "c"})
	if err != nil || len(set) != 2 || !set["a"] || !set["c"] {
		t.Errorf("ParseOnly = %v, %v", set, err)
	}
	if set, err := ParseOnly(" ", []string{"a"}); set != nil || err != nil {
		t.Errorf("ParseOnly(blank) = %v, %v; want nil, nil", set, err)
	}
	if _, err := ParseOnly("d", []string{"a"}); err == nil {
		t.Error("ParseOnly(unknown) succeeded")
	}
}

func TestCommandLine(t *testing.T) {
	got := CommandLine("echobench", []string{"-rounds", "3", "-out", "/tmp/my report.md", "-only", ""})
	want := `cd bench && go run ./cmd/echobench -rounds 3 -out '/tmp/my report.md' -only ''`
	if got != want {
		t.Errorf("CommandLine = %s\nwant          %s", got, want)
	}
	got = CommandLine("httpbench", []string{"-only", "hyper,nethttp", "-out", "a b.md"})
	want = "cd bench && go run ./cmd/httpbench -only hyper,nethttp -out 'a b.md'"
	if got != want {
		t.Errorf("CommandLine = %q, want %q", got, want)
	}
}
