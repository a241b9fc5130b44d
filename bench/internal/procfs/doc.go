// Package procfs reads what the harness measures about a server process
// from Linux's /proc: its CPU time, its resident memory, and a few facts
// about the machine for the report.
//
// CPU time is the sum over the process's threads of the first field of
// /proc/<pid>/task/<tid>/schedstat: nanoseconds on a CPU, as the scheduler
// accounts them. The per-process /proc/<pid>/stat (utime+stime) also
// counts threads that have exited, but only in clock ticks of 10 ms, too
// coarse for a few seconds of load; it is the fallback when a thread exits
// between two readings (Go runtimes rarely retire threads).
package procfs
