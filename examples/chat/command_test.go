package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		line string
		want command
	}{
		{"hello", command{say, "hello"}},
		{"", command{say, ""}},
		{" /quit", command{say, " /quit"}},
		{"/quit", command{quit, ""}},
		{"/quit now", command{quit, ""}},
		{"/nick  ann ", command{nick, "ann"}},
		{"/nick", command{nick, ""}},
		{"/nickname x", command{unknown, "/nickname"}},
		{"/", command{unknown, "/"}},
	} {
		if got := parse([]byte(c.line)); got != c.want {
			t.Errorf("parse(%q) = %+v, want %+v", c.line, got, c.want)
		}
	}
}

func TestValidName(t *testing.T) {
	for name, want := range map[string]bool{
		"ann": true, "Zoë-2": true, "a.b_c": true, strings.Repeat("x", 32): true,
		"": false, strings.Repeat("x", 33): false, "has space": false, "*": false, "a:b": false, "/x": false, "\x00": false,
	} {
		if got := validName(name); got != want {
			t.Errorf("validName(%q) = %v, want %v", name, got, want)
		}
	}
}

// FuzzParse feeds parse and validName any line a client could send: they
// must not panic, a line for the room must be said as it came, and a name
// that passes validName must not be able to pass for a line of the
// server's or of another client's.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"hello", "/nick ann", "/quit", "/x y", "/nick \xff\xfe", "/nick a:b", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		c := parse(line)
		switch c.kind {
		case say:
			if c.arg != string(line) {
				t.Fatalf("parse(%q) says %q", line, c.arg)
			}
		case nick:
			if validName(c.arg) && (strings.ContainsAny(c.arg, " *:/\r\n") || !utf8.ValidString(c.arg) || len(c.arg) > 32) {
				t.Fatalf("validName accepts %q", c.arg)
			}
		case unknown:
			if !strings.HasPrefix(c.arg, "/") || strings.Contains(c.arg, " ") {
				t.Fatalf("parse(%q) names the unknown command %q", line, c.arg)
			}
		}
	})
}
