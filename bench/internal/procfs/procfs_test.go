package procfs

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func TestParseStatTicks(t *testing.T) {
	// A command name with spaces and a ')' must not shift the fields.
	line := "4242 (my (odd) srv) S 1 4242 4242 0 -1 4194560 812 0 0 0 150 37 0 0 20 0 5 0 123 456789 321 18446744073709551615\n"
	got, err := ParseStatTicks(line)
	if err != nil || got != 187 {
		t.Fatalf("ParseStatTicks = %d, %v; want 187, nil", got, err)
	}
	for _, bad := range []string{"", "1 (x) S 1 2", "1 (x) S 1 2 3 4 5 6 7 8 9 10 u s"} {
		if _, err := ParseStatTicks(bad); err == nil {
			t.Errorf("ParseStatTicks(%q) succeeded, want an error", bad)
		}
	}
	if u, s, err := ParseStatTimes(line); err != nil || u != 150 || s != 37 {
		t.Errorf("ParseStatTimes = %d, %d, %v; want 150, 37, nil", u, s, err)
	}
}

func TestParseSchedstat(t *testing.T) {
	got, err := ParseSchedstat("499014805 483765 11\n")
	if err != nil || got != 499014805 {
		t.Fatalf("ParseSchedstat = %d, %v; want 499014805, nil", got, err)
	}
	for _, bad := range []string{"", "\n", "x 1 2"} {
		if _, err := ParseSchedstat(bad); err == nil {
			t.Errorf("ParseSchedstat(%q) succeeded, want an error", bad)
		}
	}
}

func TestParseVmRSS(t *testing.T) {
	status := "Name:\tnetecho\nVmPeak:\t  10000 kB\nVmRSS:\t    7712 kB\nRssAnon:\t 3000 kB\n"
	got, err := ParseVmRSS(status)
	if err != nil || got != 7712*1024 {
		t.Fatalf("ParseVmRSS = %d, %v; want %d, nil", got, err, 7712*1024)
	}
	for _, bad := range []string{"Name:\tkthreadd\n", "VmRSS:\t12 MB\n", "VmRSS:\tmany kB\n"} {
		if _, err := ParseVmRSS(bad); err == nil {
			t.Errorf("ParseVmRSS(%q) succeeded, want an error", bad)
		}
	}
}

func TestParseCPUInfo(t *testing.T) {
	info := "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n"
	model, cores := ParseCPUInfo(info)
	if model != "AMD EPYC 7B13" || cores != 2 {
		t.Fatalf("ParseCPUInfo = %q, %d; want %q, 2", model, cores, "AMD EPYC 7B13")
	}
}

func TestSub(t *testing.T) {
	start := CPU{Threads: map[int]uint64{1: 1000, 2: 500}, Ticks: 10}
	end := CPU{Threads: map[int]uint64{1: 4000, 2: 600, 3: 50}, Ticks: 11}
	if got := end.Sub(start); got != 3000+100+50 {
		t.Errorf("Sub with a new thread = %v, want 3150ns", got)
	}
	gone := CPU{Threads: map[int]uint64{1: 4000}, Ticks: 13}
	if got := gone.Sub(start); got != 3*clockTick {
		t.Errorf("Sub after a thread exited = %v, want 3 ticks (%v)", got, 3*clockTick)
	}
}

// writeFakeProc lays out the files ReadCPU, ReadRSS and ReadMachine read.
func writeFakeProc(t *testing.T, pid int) string {
	root := t.TempDir()
	dir := filepath.Join(root, strconv.Itoa(pid))
	files := map[string]string{
		"stat":                    strconv.Itoa(pid) + " (srv) S 1 1 1 0 -1 0 0 0 0 0 7 3 0 0 20 0 2 0 1 1 1\n",
		"status":                  "Name:\tsrv\nVmRSS:\t2048 kB\n",
		"task/100/schedstat":      "1500 0 1\n",
		"task/101/schedstat":      "2500 0 1\n",
		"../cpuinfo":              "processor\t: 0\nmodel name\t: Test CPU\n",
		"../sys/kernel/osrelease": "6.1.0-test\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestReadFromFakeProc(t *testing.T) {
	root := writeFakeProc(t, 77)
	c, err := ReadCPU(root, 77)
	if err != nil {
		t.Fatal(err)
	}
	if c.Ticks != 10 || c.UserTicks != 7 || len(c.Threads) != 2 || c.Threads[100] != 1500 || c.Threads[101] != 2500 {
		t.Errorf("ReadCPU = %+v", c)
	}
	if got := c.Sub(CPU{Threads: map[int]uint64{}}); got != 4000*time.Nanosecond {
		t.Errorf("total = %v, want 4µs", got)
	}
	if got := c.SubUser(CPU{UserTicks: 2}); got != 5*clockTick {
		t.Errorf("user = %v, want 5 ticks (%v)", got, 5*clockTick)
	}
	rss, err := ReadRSS(root, 77)
	if err != nil || rss != 2048*1024 {
		t.Errorf("ReadRSS = %d, %v", rss, err)
	}
	if m := ReadMachine(root); m != (Machine{CPUModel: "Test CPU", Cores: 1, Kernel: "6.1.0-test"}) {
		t.Errorf("ReadMachine = %+v", m)
	}
	if _, err := ReadCPU(root, 78); err == nil {
		t.Error("ReadCPU of a missing pid succeeded")
	}
}
