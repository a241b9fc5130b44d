package report

import (
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes BENCHMARKS.md: the tables, the chart, the method,
// the exact command and the machine.
func WriteMarkdown(w io.Writer, tables []Table, m Meta) error {
	var b strings.Builder
	b.WriteString("# Echo server benchmark\n\n")
	b.WriteString("<!-- Written by bench/cmd/echobench; rerun it rather than editing. -->\n\n")
	fmt.Fprintf(&b, "Medians of %s, servers interleaved. Lower is better for every column but msgs/s.\n", rounds(m.Rounds))
	for _, t := range tables {
		fmt.Fprintf(&b, "\n## %s\n\n", t.Title)
		if t.Shared {
			fmt.Fprintf(&b, "Each server and the load generator share CPUs %s, so the load, not the server, "+
				"sets msgs/s: compare **CPU µs/msg**. `%s` is the single-threaded C floor measured the same way; "+
				"× C floor divides by it.\n\n", m.Shared, t.Floor)
		}
		if err := WriteMarkdownTable(&b, t.Rows); err != nil {
			return err
		}
	}
	if m.Chart != "" {
		fmt.Fprintf(&b, "\n![Server CPU per message and RSS per connection](%s)\n", m.Chart)
	}
	b.WriteString("\n## Method\n\n")
	fmt.Fprintf(&b, "- **CPU test, single-thread servers.** A fresh server, pinned to CPU %d with `taskset`; the load generator pinned to CPU %d "+
		"runs %d connections, each sending a %d-byte message and waiting for the whole echo before the next "+
		"(closed loop), for %v after a %v warmup that is not counted.\n", m.ServerCPU, m.LoadCPU, m.Conns, m.Size, m.Duration, m.Warmup)
	if m.Shared != "" {
		fmt.Fprintf(&b, "- **CPU test, multi-thread servers.** The same load, but the server, with %d workers "+
			"(event loops, threads, GOMAXPROCS), and the load generator are both pinned to CPUs %s: "+
			"a multi-thread server needs more than one CPU and the machine has no third to give the load. "+
			"The load then takes CPU the server could have used, so msgs/s and latency say more about the sharing "+
			"than about the server; CPU µs/msg stays the server's own work per message, and the cost of its "+
			"threads (wakeups, stealing, spinning) shows in it.\n", m.Workers, m.Shared)
	}
	b.WriteString("- **msgs/s, p50, p99**: echoes completed in the window per second, and the round-trip latency " +
		"percentiles, as the load generator saw them.\n")
	b.WriteString("- **CPU µs/msg**: the server's CPU time in the window (the sum over its threads of " +
		"`/proc/<pid>/task/<tid>/schedstat`, in ns, read when the window opens and when it closes) divided by the echoes completed in it.\n")
	b.WriteString("- **× C floor**: CPU µs/msg divided by that of the table's C server (a minimal edge-triggered epoll server in C, " +
		"one read and one write per message, single-threaded) in the same round and arrangement, then the median over rounds.\n")
	if m.MemConns > 0 {
		fmt.Fprintf(&b, "- **RSS B/conn**: another fresh server, pinned as in its CPU test; VmRSS from `/proc/<pid>/status` once it listens, "+
			"then again after %d connections have each echoed one %d-byte message (checked byte for byte) and stay open; "+
			"the growth divided by %d.\n", m.MemConns, m.MemSize, m.MemConns)
	}
	if len(m.Notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range m.Notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	b.WriteString("\n## Command\n\n```sh\n" + m.Command + "\n```\n")
	b.WriteString("\n## Machine\n\n")
	fmt.Fprintf(&b, "- CPU: %s, %d cores\n", orUnknown(m.CPUModel), m.Cores)
	fmt.Fprintf(&b, "- Kernel: Linux %s\n", orUnknown(m.Kernel))
	fmt.Fprintf(&b, "- Go: %s\n", orUnknown(m.GoVersion))
	fmt.Fprintf(&b, "- C: %s\n", orUnknown(m.CC))
	fmt.Fprintf(&b, "- Date: %s\n", m.Date.UTC().Format("2006-01-02 15:04 UTC"))
	_, err := io.WriteString(w, b.String())
	return err
}

// rounds says "1 round" or "3 rounds".
func rounds(n int) string {
	if n == 1 {
		return "1 round"
	}
	return fmt.Sprintf("%d rounds", n)
}

// orUnknown stands in for facts the machine would not tell.
func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
