// Package wrk reads what the HTTP load generator wrk prints at the end of
// a run with --latency: the request count and window, requests per
// second, the latency percentiles, and the errors it counted.
//
//	res, err := wrk.Parse(output)
//	fmt.Println(res.RequestsPerSec, res.Percentile(99))
//
// It reads wrk 4.x's text, the lines starting with "Latency
// Distribution", "N requests in", "Requests/sec:", "Socket errors:" and
// "Non-2xx or 3xx responses:"; the rest is ignored.
package wrk
