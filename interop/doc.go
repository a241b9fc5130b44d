// Package interop holds tests that run the runtime's protocols against
// peers no one here wrote: Go WebSocket libraries from the module proxy,
// Node.js's ws package from the npm registry, and a real browser. It is a
// module of its own so that the main module keeps its one dependency;
// .ci/run tests it, installing Node.js, npm and Chromium when missing.
//
//	cd interop && go test ./...
//
// # WebSocket, library against library
//
// Every pairing of a client and a server runs one table of cases
// (cases_test.go): echoes of text and binary messages from 0 B to 1 MiB,
// whole and sent in parts (fragments), with permessage-deflate on, off,
// and on at one end only; pings from either side; the close handshake
// with codes 1000, 1001 and 4000 from either side. The server of every
// pairing answers by one small protocol (serve_test.go: /echo, /fragments,
// /ping, /close), and each library sits behind one interface, wsConn
// (peers_test.go), with an adapter per library: gorilla_test.go,
// coder_test.go, ours_test.go (our Conn in a coroutine, on both
// executors), nethttp_test.go (gorilla's server and our UpgradeHTTP on
// the net/http adapter), node_test.go (node/client.mjs and node/server.mjs,
// which speak the same protocol). A case fails on what the client saw,
// on the server's verdict on the connection, and on the frames a TCP tap
// between the two saw (tap_test.go, wire_test.go): one close frame each
// way with the right code, compressed frames only when agreed, a message
// sent in parts in several frames, every ping answered by its pong.
package interop
