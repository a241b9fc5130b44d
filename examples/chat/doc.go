// Chat is a line-based TCP chat server built from the runtime's shared-state
// pieces: every line a client sends goes to every other client. With
// -http it also serves a web page, and browsers join the same room.
//
//	go run ./examples/chat -addr 127.0.0.1:7010 -http 127.0.0.1:8080
//	nc 127.0.0.1 7010        # in other terminals
//	open http://127.0.0.1:8080/   # in a browser or two
//
// A client talks in lines. "/nick NAME" changes its name (names are unique),
// "/quit" leaves; any other line is said to the room. The server says who
// joins, leaves and changes name, in lines starting with "* ".
//
// # The web page
//
// -http HOST:PORT (off when empty) starts an HTTP/1.1 server (package
// http1) that serves the page at "/" and its WebSocket at "/ws" (package
// websocket); any other path is a 404. The page is page.html, embedded
// in the program: HTML, CSS and a little JavaScript, nothing to build. It
// has a name field to join with, the list of lines, and an input. It
// speaks the line clients' protocol over the WebSocket, one text message
// a line, without its "\n": it sends "/nick NAME" once connected, /nick
// and /quit typed in the input work as on a line client, and it shows
// every line the server sends, notices included, as a line client sees
// it (and its own lines, which the server does not send back).
//
// A browser's session is a line client's session: the session is written
// once, against a lineConn, which only says how a line is read and
// written (tcpLines, wsLines) and how the connection is closed. So the
// limits, the drops and the shutdown below are the same for both. What a
// WebSocket adds is a close frame saying why the session ended: 1000 after
// /quit, 1001 "server shutting down" after the goodbye line, 1008 for a
// client silent for -idle or too slow, 1009 for a line over 1024 bytes,
// 1003 for a binary message or one holding a line break (which could
// forge a line of the server's for the others), 1013 when the server is
// full. A message over 4 KiB is refused by package websocket itself, with
// 1009 and no line first. -sndbuf applies to line clients only.
//
// # How it is built
//
//   - The room is a broadcast channel (package broadcast). A session's writer
//     task relays the room's messages to its client, skipping the client's
//     own. The channel's ring is each client's bounded queue: a client that
//     does not read falls behind, and once its writer has waited -write for
//     the socket, or the ring has overwritten what the client had not read,
//     the client is dropped with the reason, logged and (when the socket
//     takes it) sent. A sender never waits, so one slow client never stalls
//     the others. -sndbuf bounds the kernel's send buffer of each
//     connection (64 KiB by default), so what a slow client holds before it
//     is dropped is bounded too.
//   - Each connection is a session task in a group.Set, which the accept
//     loop reaps as sessions end; a lock.Semaphore of -max permits bounds
//     the sessions; a lock.Mutex, held across the await of a write, keeps
//     the lines that a session and its writer write to one connection whole.
//     A browser's WebSocket, once upgraded by the web server's handler,
//     is handed to the accept loop through an mpsc channel, so that the
//     accept loop alone spawns and reaps the sessions of both kinds.
//   - A read waits at most -idle: a client silent for that long is told so
//     and dropped.
//   - Shutdown comes from SIGINT or SIGTERM (package signals), or from a
//     failure to accept (then the exit status is 1). The server stops
//     accepting, shuts the web server down (a WebSocket upgraded from then
//     on is closed with 1001 without joining), cancels the sessions' reads
//     with a cancel.Token, says goodbye to every client through the room
//     and closes it; each writer sends what is left and ends, and each
//     WebSocket is closed with 1001. The server waits for the sessions for
//     at most -grace, aborts those still running, and exits with status 0.
//
// -threads N runs the server on a multi-thread executor with N workers
// instead of a current-thread one.
package main
