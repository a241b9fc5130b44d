// Package lifecycle holds cross-package lifecycle tests: tests of the
// Future contract that no single package can run alone, such as the
// cancellation of every future the module makes, before its first poll and
// after a pending one, on every shape of both executors. It has
// no code of its own; everything is in its _test files.
package lifecycle
