package report

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// columns are the table's headers, in order.
var columns = []string{"server", "msgs/s", "p50", "p99", "CPU µs/msg", "× C floor", "RSS B/conn"}

// cells formats r for the table, one string per column.
func (r Row) cells() []string {
	return []string{
		r.Server,
		num(r.MsgsPerSec, "%.0f"),
		latency(r.P50us),
		latency(r.P99us),
		num(r.CPUusMsg, "%.2f"),
		num(r.Floor, "%.2f×"),
		num(r.RSSPerConn, "%.0f"),
	}
}

// num formats v, or "–" when it is missing.
func num(v float64, format string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return fmt.Sprintf(format, v)
}

// latency formats microseconds, switching to milliseconds at 10 ms.
func latency(us float64) string {
	switch {
	case math.IsNaN(us):
		return "–"
	case us >= 10000:
		return fmt.Sprintf("%.1f ms", us/1000)
	default:
		return fmt.Sprintf("%.0f µs", us)
	}
}

// WriteTable writes rows as an aligned text table: the server name left
// aligned, numbers right aligned.
func WriteTable(w io.Writer, rows []Row) error {
	grid := [][]string{columns}
	for _, r := range rows {
		grid = append(grid, r.cells())
	}
	widths := make([]int, len(columns))
	for _, line := range grid {
		for i, c := range line {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	var b strings.Builder
	for n, line := range grid {
		for i, c := range line {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if i == 0 {
				b.WriteString(c + pad)
			} else {
				b.WriteString("  " + pad + c)
			}
		}
		b.WriteString("\n")
		if n == 0 {
			total := len(widths)*2 - 2
			for _, wd := range widths {
				total += wd
			}
			b.WriteString(strings.Repeat("-", total) + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdownTable writes rows as a GitHub markdown table.
func WriteMarkdownTable(w io.Writer, rows []Row) error {
	var b strings.Builder
	b.WriteString("| " + strings.Join(columns, " | ") + " |\n")
	b.WriteString("|:---" + strings.Repeat("|---:", len(columns)-1) + "|\n")
	for _, r := range rows {
		b.WriteString("| " + strings.Join(r.cells(), " | ") + " |\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
