package tcp

// keepAliveOptions is empty: OpenBSD has no per-socket keep-alive timing.
var keepAliveOptions []struct {
	name int
	text string
}
