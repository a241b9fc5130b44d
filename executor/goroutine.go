package executor

import "runtime"

// goroutineID returns the calling goroutine's number, as runtime.Stack
// prints it in its first line ("goroutine 42 [running]:"). Go gives a
// goroutine no other identity. It costs a few microseconds, so it serves
// only to answer OnExecutor: an executor records its own goroutines' once
// when they start, and a caller asks once.
func goroutineID() uint64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	const prefix = "goroutine "
	var id uint64
	for _, c := range buf[len(prefix):n] {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}
