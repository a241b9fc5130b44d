package report

import "time"

// Table is one comparison: servers measured in the same arrangement, each
// row's × column against the same floor server.
type Table struct {
	Title  string // a heading: which servers, how they were pinned
	Floor  string // the server the × column divides by
	Shared bool   // the servers share CPUs with the load (the multi-thread arrangement)
	Rows   []Row
}

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
	ServerCPU int           // single-thread table: the server's CPU
	LoadCPU   int           // single-thread table: the load generator's CPU
	Shared    string        // multi-thread table: the CPUs server and load share ("" if not run)
	Workers   int           // multi-thread table: the servers' workers
	CPUModel  string
	Cores     int
	Kernel    string
	GoVersion string
	CC        string // C compiler and flags used for the floor
	Date      time.Time
	Chart     string   // chart path relative to the markdown file ("" for none)
	Notes     []string // servers skipped and why, runs that failed
}
