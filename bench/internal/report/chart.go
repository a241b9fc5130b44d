package report

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// Chart geometry, in SVG user units (pixels at 100 %).
const (
	chartWidth  = 760
	labelRight  = 118 // right edge of the server names
	barLeft     = 128 // where every bar starts
	barMaxWidth = 470 // the longest bar; values are written after its end
	rowHeight   = 28
	barHeight   = 18
	headerH     = 64 // title and subtitle
	panelTitleH = 34
	panelGap    = 18
	footerH     = 26
)

// Colours: the runtime under test stands out, the floor is dark, the
// other peers are neutral.
const (
	colourAsync = "#2563eb"
	colourFloor = "#334155"
	colourPeer  = "#94a3b8"
	colourText  = "#111827"
	colourMuted = "#6b7280"
)

// fontFamily is a system font stack that renders alike on GitHub and locally.
const fontFamily = `system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif`

// panel is one horizontal bar chart: a value per row.
type panel struct {
	title  string
	rows   []Row
	floor  string // the row drawn as the floor
	value  func(Row) float64
	label  func(Row) string // text written after the bar
	marker float64          // a dashed reference line (NaN for none)
	mLabel string
}

// WriteChart draws horizontal bar charts, one bar per row, values written
// on the bars: server CPU per message for each table, then RSS per
// connection for every server (a later table's floor, the same C server
// as the first's, left out).
func WriteChart(w io.Writer, tables []Table, m Meta) error {
	var panels []panel
	for _, t := range tables {
		if len(t.Rows) > 0 {
			panels = append(panels, cpuPanel(t))
		}
	}
	if m.MemConns > 0 {
		panels = append(panels, rssPanel(tables, m))
	}
	height := headerH + footerH
	for _, p := range panels {
		height += panelTitleH + len(p.rows)*rowHeight + panelGap
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s">`+"\n",
		chartWidth, height, chartWidth, height, fontFamily)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", chartWidth, height)
	text(&b, 20, 30, 18, "bold", colourText, "start", "Echo server: CPU per message and memory per connection")
	text(&b, 20, 50, 12, "normal", colourMuted, "start", fmt.Sprintf(
		"%d connections × %d B ping-pong · median of %s · lower is better",
		m.Conns, m.Size, rounds(m.Rounds)))
	y := headerH
	for _, p := range panels {
		y = drawPanel(&b, p, y) + panelGap
	}
	text(&b, 20, height-10, 11, "normal", colourMuted, "start", footer(m))
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// cpuPanel charts a table's CPU µs per message with its floor as a
// reference line.
func cpuPanel(t Table) panel {
	p := panel{
		title: "Server CPU µs per message: " + t.Title,
		rows:  t.Rows,
		floor: t.Floor,
		value: func(r Row) float64 { return r.CPUusMsg },
		label: func(r Row) string {
			if math.IsNaN(r.Floor) || r.Server == t.Floor {
				return fmt.Sprintf("%.2f", r.CPUusMsg)
			}
			return fmt.Sprintf("%.2f (%.2f×)", r.CPUusMsg, r.Floor)
		},
		marker: math.NaN(),
	}
	for _, r := range t.Rows {
		if r.Server == t.Floor && !math.IsNaN(r.CPUusMsg) {
			p.marker, p.mLabel = r.CPUusMsg, "C floor"
		}
	}
	return p
}

// rssPanel charts bytes of RSS per held connection.
func rssPanel(tables []Table, m Meta) panel {
	var rows []Row
	floor := ""
	for i, t := range tables {
		if i == 0 {
			floor = t.Floor
		}
		for _, r := range t.Rows {
			if i == 0 || r.Server != t.Floor {
				rows = append(rows, r)
			}
		}
	}
	return panel{
		title:  fmt.Sprintf("Server RSS per open connection (bytes), %s connections that each echoed %d B", thousands(float64(m.MemConns)), m.MemSize),
		rows:   rows,
		floor:  floor,
		value:  func(r Row) float64 { return r.RSSPerConn },
		label:  func(r Row) string { return thousands(r.RSSPerConn) },
		marker: math.NaN(),
	}
}

// drawPanel draws p from y down and returns the y below it.
func drawPanel(b *strings.Builder, p panel, y int) int {
	text(b, 20, y+20, 14, "bold", colourText, "start", p.title)
	y += panelTitleH
	top, bottom := y, y+len(p.rows)*rowHeight
	scale := panelScale(p)
	// The reference line goes first, so bars and values paint over it.
	if !math.IsNaN(p.marker) {
		x := float64(barLeft) + p.marker*scale
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="1" stroke-dasharray="4 3"/>`+"\n",
			x, top-4, x, bottom, colourFloor)
		text(b, int(math.Round(x))+4, top-6, 10, "normal", colourFloor, "start", p.mLabel)
	}
	for _, r := range p.rows {
		mid := y + rowHeight/2
		weight := "normal"
		if isAsync(r.Server) {
			weight = "bold"
		}
		text(b, labelRight, mid+4, 13, weight, colourText, "end", r.Server)
		v := p.value(r)
		if math.IsNaN(v) || v < 0 {
			text(b, barLeft+6, mid+4, 12, "normal", colourMuted, "start", "not measured")
		} else {
			wd := v * scale
			fmt.Fprintf(b, `<rect x="%d" y="%d" width="%.1f" height="%d" rx="3" fill="%s"/>`+"\n",
				barLeft, mid-barHeight/2, wd, barHeight, barColour(r.Server, p.floor))
			haloText(b, barLeft+int(math.Round(wd))+6, mid+4, 12, colourText, p.label(r))
		}
		y += rowHeight
	}
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="1"/>`+"\n",
		barLeft, top, barLeft, bottom, colourMuted)
	return bottom
}

// isAsync reports whether server is the runtime under test: async, or a
// variant of it such as async-mt.
func isAsync(server string) bool {
	return server == "async" || strings.HasPrefix(server, "async-")
}

// panelScale maps the largest value to barMaxWidth pixels.
func panelScale(p panel) float64 {
	top := 0.0
	for _, r := range p.rows {
		if v := p.value(r); !math.IsNaN(v) && !math.IsInf(v, 0) {
			top = max(top, v)
		}
	}
	if top <= 0 {
		return 0
	}
	return barMaxWidth / top
}

// barColour picks a bar's fill by its role.
func barColour(server, floor string) string {
	switch {
	case isAsync(server):
		return colourAsync
	case server == floor:
		return colourFloor
	}
	return colourPeer
}

// footer names the machine under the chart.
func footer(m Meta) string {
	parts := []string{}
	if m.CPUModel != "" {
		parts = append(parts, fmt.Sprintf("%s, %d cores", m.CPUModel, m.Cores))
	}
	if m.Kernel != "" {
		parts = append(parts, "Linux "+m.Kernel)
	}
	if m.GoVersion != "" {
		parts = append(parts, m.GoVersion)
	}
	if !m.Date.IsZero() {
		parts = append(parts, m.Date.UTC().Format("2006-01-02"))
	}
	return strings.Join(parts, " · ")
}

// text writes one escaped <text> element.
func text(b *strings.Builder, x, y, size int, weight, fill, anchor, s string) {
	fmt.Fprintf(b, `<text x="%d" y="%d" font-size="%d" font-weight="%s" fill="%s" text-anchor="%s">%s</text>`+"\n",
		x, y, size, weight, fill, anchor, html.EscapeString(s))
}

// haloText writes a value label over a white-outlined copy of itself, so
// a reference line behind it does not cut through the digits. (Two
// elements rather than paint-order, which some renderers ignore.)
func haloText(b *strings.Builder, x, y, size int, fill, s string) {
	fmt.Fprintf(b, `<text x="%d" y="%d" font-size="%d" fill="#ffffff" stroke="#ffffff" stroke-width="4" stroke-linejoin="round">%s</text>`+"\n",
		x, y, size, html.EscapeString(s))
	text(b, x, y, size, "normal", fill, "start", s)
}

// thousands formats v rounded to an integer with comma separators.
func thousands(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	s := fmt.Sprintf("%.0f", math.Abs(v))
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if v < 0 && s != "0" {
		return "-" + string(out)
	}
	return string(out)
}
