package main

import (
	"strings"
	"unicode"
)

// kind is what a line from a client asks for.
type kind uint8

const (
	say     kind = iota // a line for the room; arg is the line
	nick                // "/nick NAME"; arg is the name, trimmed
	quit                // "/quit"
	unknown             // another "/word"; arg is the word
)

// command is a line from a client, parsed.
type command struct {
	kind kind
	arg  string
}

// parse reads a line (without its newline) as a command or as a line for
// the room. A line that starts with '/' is a command; anything else,
// whatever bytes it holds, is said as it is.
func parse(line []byte) command {
	text := string(line)
	if !strings.HasPrefix(text, "/") {
		return command{kind: say, arg: text}
	}
	word, arg, _ := strings.Cut(text, " ")
	switch word {
	case "/quit":
		return command{kind: quit}
	case "/nick":
		return command{kind: nick, arg: strings.TrimSpace(arg)}
	}
	return command{kind: unknown, arg: word}
}

// validName reports whether name may be a client's name: 1 to 32 letters,
// digits, '-', '_' or '.', so that a name can never pass for a line of the
// server's ("* ...") or another client's ("name: ...").
func validName(name string) bool {
	if name == "" || len(name) > 32 {
		return false
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("-_.", r) {
			return false
		}
	}
	return true
}
