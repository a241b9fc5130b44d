// Package browser tests the runtime's HTTP and WebSocket servers against a
// real browser: it builds the chat example (examples/chat), starts it with
// its web page, starts headless Chromium, and drives two pages of it
// through the Chrome DevTools Protocol, spoken over the runtime's own
// WebSocket client. The package has no code of its own, only its tests:
//
//	cd interop && go test ./browser
//	CHAT_SCREENSHOT=/tmp/chat.png go test ./browser   # keeps a screenshot
//
// Chromium must be installed (/usr/bin/chromium, or the path in CHROMIUM);
// without it the tests fail.
package browser
