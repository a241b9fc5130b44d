package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// seconds is a duration flag that also takes a bare number of seconds, so
// "-duration 2" and "-duration 2s" mean the same.
type seconds struct{ d *time.Duration }

func (s seconds) String() string {
	if s.d == nil {
		return ""
	}
	return s.d.String()
}

// Set parses a Go duration or a number of seconds; it must be positive.
func (s seconds) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		f, ferr := strconv.ParseFloat(v, 64)
		if ferr != nil {
			return fmt.Errorf("%q is neither a duration (2s, 500ms) nor a number of seconds", v)
		}
		d = time.Duration(f * float64(time.Second))
	}
	if d < 0 {
		return fmt.Errorf("%q is negative", v)
	}
	*s.d = d
	return nil
}

// secondsVar defines a seconds flag.
func secondsVar(fs *flag.FlagSet, p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	fs.Var(seconds{p}, name, usage)
}

// parseOnly turns "-only a,b" into a set, checking every name is known.
func parseOnly(v string, known []string) (map[string]bool, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	set := map[string]bool{}
	for name := range strings.SplitSeq(v, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		found := false
		for _, k := range known {
			found = found || k == name
		}
		if !found {
			return nil, fmt.Errorf("-only: unknown server %q (known: %s)", name, strings.Join(known, ", "))
		}
		set[name] = true
	}
	return set, nil
}

// commandLine renders how to rerun this invocation from the bench module,
// quoting arguments the shell would split or expand.
func commandLine(args []string) string {
	parts := []string{"cd bench && go run ./cmd/echobench"}
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~!") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}
