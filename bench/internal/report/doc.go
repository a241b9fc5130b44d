// Package report turns the harness's per-round samples into medians and
// writes them three ways: a text table for the terminal, BENCHMARKS.md,
// and an SVG bar chart drawn by hand (no dependencies).
//
// A missing value (a server that failed a test, or a test that was not
// run) is NaN and prints as "–"; a median ignores the rounds that lack it.
package report
