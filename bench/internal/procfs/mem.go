package procfs

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ReadRSS returns the resident set size of process pid in bytes, from the
// VmRSS line of <root>/<pid>/status.
func ReadRSS(root string, pid int) (uint64, error) {
	b, err := os.ReadFile(filepath.Join(root, strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, fmt.Errorf("procfs: read RSS of pid %d: %w", pid, err)
	}
	rss, err := ParseVmRSS(string(b))
	if err != nil {
		return 0, fmt.Errorf("procfs: pid %d: %w", pid, err)
	}
	return rss, nil
}

// ParseVmRSS finds "VmRSS:   1234 kB" in a status file and returns bytes.
func ParseVmRSS(status string) (uint64, error) {
	for line := range strings.Lines(status) {
		rest, ok := strings.CutPrefix(line, "VmRSS:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("status line %q: want \"VmRSS: <n> kB\"", strings.TrimSpace(line))
		}
		kb, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("status line %q: %w", strings.TrimSpace(line), err)
		}
		return kb * 1024, nil
	}
	return 0, fmt.Errorf("status: no VmRSS line (a kernel thread or a zombie?)")
}
