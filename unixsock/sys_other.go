//go:build !linux

package unixsock

// abstractNames is false: only Linux has abstract socket names.
const abstractNames = false
