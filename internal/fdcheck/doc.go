// Package fdcheck counts the process's open file descriptors, so that the
// tests of the packages that open sockets can prove they leak none. It is
// for tests only.
package fdcheck
