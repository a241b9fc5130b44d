// Package histogram records latencies in a fixed-size log-linear histogram:
// exact below 128 ns, then 64 buckets per power of two, so any quantile it
// reports is within 1/64 (about 1.6 %) of the true value. Recording is an
// index computation and an increment: no allocation, no lock. Each load
// connection owns one histogram; they are merged once at the end.
package histogram
