package report

import "time"

// Meta is what a report says about how its numbers were produced.
type Meta struct {
	Command   string        // the command line, runnable from the bench module
	Rounds    int           // interleaved rounds the medians are over
	Conns     int           // CPU test: connections
	Size      int           // CPU test: message bytes
	Duration  time.Duration // CPU test: measured window per run
	Warmup    time.Duration // CPU test: unmeasured load before the window
	MemConns  int           // memory test: connections held (0: not run)
	MemSize   int           // memory test: bytes each connection echoed once
	Floor     string        // the server the × column divides by
	CPUModel  string
	Cores     int
	Kernel    string
	GoVersion string
	CC        string // C compiler and flags used for the floor
	Date      time.Time
	Chart     string   // chart path relative to the markdown file ("" for none)
	Notes     []string // servers skipped and why, runs that failed
}
