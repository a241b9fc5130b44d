package report

import (
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes BENCHMARKS.md: the table, the chart, the method,
// the exact command and the machine.
func WriteMarkdown(w io.Writer, rows []Row, m Meta) error {
	var b strings.Builder
	b.WriteString("# Echo server benchmark\n\n")
	b.WriteString("<!-- Written by bench/cmd/echobench; rerun it rather than editing. -->\n\n")
	fmt.Fprintf(&b, "Medians of %s, servers interleaved. Lower is better for every column but msgs/s.\n\n", rounds(m.Rounds))
	if err := WriteMarkdownTable(&b, rows); err != nil {
		return err
	}
	if m.Chart != "" {
		fmt.Fprintf(&b, "\n![Server CPU per message and RSS per connection](%s)\n", m.Chart)
	}
	b.WriteString("\n## Method\n\n")
	fmt.Fprintf(&b, "- **CPU test.** A fresh server, pinned to CPU 0 with `taskset`; the load generator pinned to CPU 1 "+
		"runs %d connections, each sending a %d-byte message and waiting for the whole echo before the next "+
		"(closed loop), for %v after a %v warmup that is not counted.\n", m.Conns, m.Size, m.Duration, m.Warmup)
	b.WriteString("- **msgs/s, p50, p99**: echoes completed in the window per second, and the round-trip latency " +
		"percentiles, as the load generator saw them.\n")
	b.WriteString("- **CPU µs/msg**: the server's CPU time in the window (the sum over its threads of " +
		"`/proc/<pid>/task/<tid>/schedstat`, in ns, read when the window opens and when it closes) divided by the echoes completed in it.\n")
	fmt.Fprintf(&b, "- **× C floor**: CPU µs/msg divided by that of `%s` (a minimal edge-triggered epoll server in C, "+
		"one read and one write per message) in the same round, then the median over rounds.\n", m.Floor)
	if m.MemConns > 0 {
		fmt.Fprintf(&b, "- **RSS B/conn**: another fresh server; VmRSS from `/proc/<pid>/status` once it listens, "+
			"then again after %d connections have each echoed one %d-byte message and stay open; "+
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
