package unixsock

// abstractNames reports whether the system has abstract socket names,
// which live in the network namespace rather than the file system
// (unix(7)). Only Linux has them.
const abstractNames = true
