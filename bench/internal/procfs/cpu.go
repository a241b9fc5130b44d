package procfs

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTick is USER_HZ, the unit of utime and stime in /proc/<pid>/stat;
// it is 100 on every Linux architecture (proc(5)).
const clockTick = 10 * time.Millisecond

// CPU is one reading of a process's CPU time.
type CPU struct {
	// Threads maps each thread id to its nanoseconds on a CPU.
	Threads map[int]uint64
	// Ticks is utime+stime of the whole process, live and dead threads.
	Ticks uint64
	// UserTicks is utime alone: the part of Ticks spent in user mode.
	UserTicks uint64
}

// ReadCPU reads the CPU time of process pid from root (normally "/proc").
func ReadCPU(root string, pid int) (CPU, error) {
	dir := filepath.Join(root, strconv.Itoa(pid))
	stat, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return CPU{}, fmt.Errorf("procfs: read CPU time of pid %d: %w", pid, err)
	}
	user, sys, err := ParseStatTimes(string(stat))
	if err != nil {
		return CPU{}, fmt.Errorf("procfs: pid %d: %w", pid, err)
	}
	tids, err := os.ReadDir(filepath.Join(dir, "task"))
	if err != nil {
		return CPU{}, fmt.Errorf("procfs: list threads of pid %d: %w", pid, err)
	}
	c := CPU{Threads: make(map[int]uint64, len(tids)), Ticks: user + sys, UserTicks: user}
	for _, e := range tids {
		tid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, "task", e.Name(), "schedstat"))
		if err != nil {
			continue // the thread exited while we listed; Sub notices
		}
		ns, err := ParseSchedstat(string(b))
		if err != nil {
			return CPU{}, fmt.Errorf("procfs: thread %d of pid %d: %w", tid, pid, err)
		}
		c.Threads[tid] = ns
	}
	return c, nil
}

// Sub returns the CPU time used between reading start and reading c. It
// sums per-thread nanoseconds when every thread of start is still in c,
// and otherwise falls back to the tick counts, which keep dead threads.
func (c CPU) Sub(start CPU) time.Duration {
	var ns uint64
	for tid, s := range start.Threads {
		e, ok := c.Threads[tid]
		if !ok || e < s {
			return time.Duration(c.Ticks-start.Ticks) * clockTick
		}
		ns += e - s
	}
	for tid, e := range c.Threads {
		if _, ok := start.Threads[tid]; !ok {
			ns += e // born inside the window
		}
	}
	return time.Duration(ns)
}

// SubUser returns the user-mode CPU time used between reading start and
// reading c, from utime: it counts in clock ticks of 10 ms, so it needs a
// window of seconds of CPU to be precise to a few percent. (Linux splits
// a thread's precise runtime between user and system mode in proportion to
// the ticks it sampled in each, and schedstat has no such split.)
func (c CPU) SubUser(start CPU) time.Duration {
	return time.Duration(c.UserTicks-start.UserTicks) * clockTick
}

// ParseSchedstat returns the first field of a schedstat line: the time
// the thread has spent on a CPU, in nanoseconds.
func ParseSchedstat(s string) (uint64, error) {
	f := strings.Fields(s)
	if len(f) < 1 {
		return 0, fmt.Errorf("schedstat %q: empty", s)
	}
	ns, err := strconv.ParseUint(f[0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("schedstat %q: %w", s, err)
	}
	return ns, nil
}

// ParseStatTicks returns utime+stime (fields 14 and 15) of a
// /proc/<pid>/stat line.
func ParseStatTicks(s string) (uint64, error) {
	user, sys, err := ParseStatTimes(s)
	return user + sys, err
}

// ParseStatTimes returns utime and stime (fields 14 and 15) of a
// /proc/<pid>/stat line, in clock ticks. The command name (field 2) may
// hold spaces and parentheses, so fields are counted from the last ')'.
func ParseStatTimes(s string) (user, sys uint64, err error) {
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return 0, 0, fmt.Errorf("stat %q: no ')' after the command name", s)
	}
	// After ')' come fields 3 (state) onwards; utime is field 14.
	f := strings.Fields(s[end+1:])
	const utime, stime = 14 - 3, 15 - 3
	if len(f) <= stime {
		return 0, 0, fmt.Errorf("stat %q: %d fields after the name, want more than %d", s, len(f), stime)
	}
	u, err1 := strconv.ParseUint(f[utime], 10, 64)
	st, err2 := strconv.ParseUint(f[stime], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("stat %q: utime %q stime %q are not counts", s, f[utime], f[stime])
	}
	return u, st, nil
}
