package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Main runs a bench command: it parses os.Args with parse, then calls run
// with a context that SIGINT and SIGTERM cancel, and standard output and
// error. Errors are printed after name; bad flags exit 2, a failed run 1,
// and -help 0.
func Main[C any](name string, parse func([]string) (C, error), run func(context.Context, C, io.Writer, io.Writer) error) {
	cfg, err := parse(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err = run(ctx, cfg, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// Seconds is a duration flag that also takes a bare number of seconds, so
// "-duration 2" and "-duration 2s" mean the same.
type Seconds struct{ D *time.Duration }

func (s Seconds) String() string {
	if s.D == nil {
		return ""
	}
	return s.D.String()
}

// Set parses a Go duration or a number of seconds; it must not be negative.
func (s Seconds) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		f, ferr := strconv.ParseFloat(v, 64)
		if ferr != nil {
			return fmt.Errorf("%q is neither a duration (2s, 1m) nor a number of seconds", v)
		}
		d = time.Duration(f * float64(time.Second))
	}
	if d < 0 {
		return fmt.Errorf("%q is negative", v)
	}
	*s.D = d
	return nil
}

// SecondsVar defines a Seconds flag with a default value.
func SecondsVar(fs *flag.FlagSet, p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	fs.Var(Seconds{p}, name, usage)
}

// ParseOnly turns "-only a,b" into a set, checking every name is known.
// An empty value gives a nil set: every server.
func ParseOnly(v string, known []string) (map[string]bool, error) {
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

// CommandLine renders how to rerun command cmd (a directory under
// bench/cmd) with args from the bench module, quoting arguments the shell
// would split or expand.
func CommandLine(cmd string, args []string) string {
	parts := []string{"cd bench && go run ./cmd/" + cmd}
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~!") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}
