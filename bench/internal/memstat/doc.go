// Package memstat lets the Go servers of the WebSocket comparison report
// their Go memory, which the harness sets beside the RSS it reads from
// /proc: the heap and the goroutine stacks in use after a collection,
// and the number of goroutines.
//
// A server answers GET Path with the encoded Read, and the harness
// fetches it:
//
//	mux.HandleFunc(memstat.Path, func(w http.ResponseWriter, r *http.Request) { w.Write(memstat.Read().Encode()) })
//	s, err := memstat.Fetch(ctx, "127.0.0.1:8080")
package memstat
