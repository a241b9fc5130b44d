package procfs

import (
	"os"
	"path/filepath"
	"strings"
)

// Machine describes the computer a run happened on.
type Machine struct {
	CPUModel string // "model name" of the first processor
	Cores    int    // processors listed in cpuinfo
	Kernel   string // kernel release
}

// ReadMachine reads the CPU model, processor count and kernel release
// from root (normally "/proc"); what it cannot read it leaves empty.
func ReadMachine(root string) Machine {
	var m Machine
	if b, err := os.ReadFile(filepath.Join(root, "cpuinfo")); err == nil {
		m.CPUModel, m.Cores = ParseCPUInfo(string(b))
	}
	if b, err := os.ReadFile(filepath.Join(root, "sys", "kernel", "osrelease")); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// ParseCPUInfo returns the first "model name" (or, on machines without
// one, "Hardware" or "cpu model") and the number of "processor" entries.
func ParseCPUInfo(s string) (model string, cores int) {
	for line := range strings.Lines(s) {
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch key {
		case "processor":
			cores++
		case "model name", "Hardware", "cpu model":
			if model == "" {
				model = val
			}
		}
	}
	return model, cores
}
