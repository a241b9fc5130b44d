package memstat

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"time"
)

// Path is where a server answers with its Stats.
const Path = "/memstats"

// Stats is a Go process's memory as its runtime sees it.
type Stats struct {
	HeapInuse  uint64 `json:"heap_inuse"`  // bytes in heap spans in use, after a collection
	StackInuse uint64 `json:"stack_inuse"` // bytes of goroutine stacks
	Goroutines int    `json:"goroutines"`
}

// Go is the memory the Go runtime holds for the program's data: the heap
// in use and the stacks.
func (s Stats) Go() uint64 { return s.HeapInuse + s.StackInuse }

// Read collects garbage, so that only live data counts, and reads this
// process's Stats. The collection stops the world briefly: call it when
// nothing is being measured.
func Read() Stats {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return Stats{HeapInuse: m.HeapInuse, StackInuse: m.StackInuse, Goroutines: runtime.NumGoroutine()}
}

// Encode returns s as JSON.
func (s Stats) Encode() []byte {
	b, err := json.Marshal(s)
	if err != nil {
		panic("memstat: marshal Stats: " + err.Error())
	}
	return b
}

// Decode parses what Encode wrote.
func Decode(b []byte) (Stats, error) {
	var s Stats
	if err := json.Unmarshal(b, &s); err != nil {
		return Stats{}, fmt.Errorf("memstat: decode %q: %w", b, err)
	}
	return s, nil
}

// fetchTimeout bounds a Fetch: the server collects garbage first, which
// takes milliseconds even with tens of thousands of connections.
const fetchTimeout = 10 * time.Second

// Fetch asks the server at addr (host:port) for its Stats, on a connection
// of its own that it closes, so the server holds nothing more afterwards.
func Fetch(ctx context.Context, addr string) (Stats, error) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	url := "http://" + addr + Path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Stats{}, err
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return Stats{}, fmt.Errorf("memstat: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil {
		return Stats{}, fmt.Errorf("memstat: GET %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return Stats{}, fmt.Errorf("memstat: GET %s: %s: %q", url, resp.Status, body)
	}
	return Decode(body)
}
