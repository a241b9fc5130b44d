// Package httpreport turns the HTTP comparison's measurements into tables:
// per server, the medians over rounds of requests per second, p99
// latency, server CPU per request (also as a multiple of a reference
// server's, round by round) and RSS per idle keep-alive connection.
//
//	s := httpreport.NewSample("hyper", 1)
//	s.ReqPerSec, s.P99us, s.CPUusReq = 98000, 1400, 10.3
//	rows := httpreport.Summarize(samples, []string{"hyper", "fasthttp"}, "hyper")
//	httpreport.WriteMarkdownTable(os.Stdout, rows, "hyper")
package httpreport
