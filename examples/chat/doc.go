// Chat is a line-based TCP chat server built from the runtime's shared-state
// pieces: every line a client sends goes to every other client.
//
//	go run ./examples/chat -addr 127.0.0.1:7010
//	nc 127.0.0.1 7010        # in two or more other terminals
//
// A client talks in lines. "/nick NAME" changes its name (names are unique),
// "/quit" leaves; any other line is said to the room. The server says who
// joins, leaves and changes name, in lines starting with "* ".
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
//   - A read waits at most -idle: a client silent for that long is told so
//     and dropped.
//   - Shutdown comes from SIGINT or SIGTERM (package signals), or from a
//     failure to accept (then the exit status is 1). The server stops
//     accepting, cancels the sessions' reads with a cancel.Token, says
//     goodbye to every client through the room and closes it; each writer
//     sends what is left and ends. The server waits for the sessions for at
//     most -grace, aborts those still running, and exits with status 0.
//
// -threads N runs the server on a multi-thread executor with N workers
// instead of a current-thread one.
package main
