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
		Num(r.MsgsPerSec, "%.0f"),
		Latency(r.P50us),
		Latency(r.P99us),
		Num(r.CPUusMsg, "%.2f"),
		Num(r.Floor, "%.2f×"),
		Num(r.RSSPerConn, "%.0f"),
	}
}

// Num formats v with format, or "–" when it is missing.
func Num(v float64, format string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return fmt.Sprintf(format, v)
}

// Latency formats microseconds, switching to milliseconds at 10 ms.
func Latency(us float64) string {
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
	grid := make([][]string, 0, len(rows))
	for _, r := range rows {
		grid = append(grid, r.cells())
	}
	return WriteGrid(w, columns, grid)
}

// WriteMarkdownTable writes rows as a GitHub markdown table.
func WriteMarkdownTable(w io.Writer, rows []Row) error {
	grid := make([][]string, 0, len(rows))
	for _, r := range rows {
		grid = append(grid, r.cells())
	}
	return WriteMarkdownGrid(w, columns, grid)
}

// WriteGrid writes header and rows as an aligned text table, a rule under
// the header: the first column left aligned, the others right aligned.
func WriteGrid(w io.Writer, header []string, rows [][]string) error {
	grid := append([][]string{header}, rows...)
	widths := make([]int, len(header))
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

// WriteMarkdownGrid writes header and rows as a GitHub markdown table, the
// first column left aligned, the others right aligned.
func WriteMarkdownGrid(w io.Writer, header []string, rows [][]string) error {
	var b strings.Builder
	b.WriteString("| " + strings.Join(header, " | ") + " |\n")
	b.WriteString("|:---" + strings.Repeat("|---:", len(header)-1) + "|\n")
	for _, r := range rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
