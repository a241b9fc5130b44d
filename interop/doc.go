// Package interop holds tests that run the runtime's protocols against
// peers no one here wrote: Go WebSocket libraries from the module proxy,
// Node.js's ws package from the npm registry, and a real browser. It is a
// module of its own so that the main module keeps its one dependency;
// .ci/run tests it, installing Node's packages and Chromium when missing.
//
//	cd interop && go test ./...
package interop
