package report

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteSection writes content into the file at path as its section name,
// between the lines "<!-- begin name -->" and "<!-- end name -->": it
// replaces the section if the file has it, appends it if not, and
// creates the file if there is none. So several commands share one
// report (BENCHMARKS.md), each rewriting only its own part. The file is
// replaced whole, through a temporary file, so a failed write leaves the
// old one.
func WriteSection(path, name string, content []byte) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	out, err := ReplaceSection(old, name, content)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return WriteFile(path, out)
}

// WriteFile replaces the file at path with data, through a temporary file
// beside it, so that a failed write never leaves half a report. It makes
// the directory if need be.
func WriteFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".report-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// ReplaceSection returns doc with its section name replaced by content,
// or with the section appended if doc has none. A begin marker without
// its end is an error: the section's extent is unknown.
func ReplaceSection(doc []byte, name string, content []byte) ([]byte, error) {
	begin := []byte("<!-- begin " + name + " -->\n")
	end := []byte("<!-- end " + name + " -->\n")
	section := make([]byte, 0, len(begin)+len(content)+len(end)+1)
	section = append(section, begin...)
	section = append(section, content...)
	if len(content) > 0 && content[len(content)-1] != '\n' {
		section = append(section, '\n')
	}
	section = append(section, end...)
	i := bytes.Index(doc, begin)
	if i < 0 {
		var out []byte
		out = append(out, doc...)
		if len(out) > 0 {
			if out[len(out)-1] != '\n' {
				out = append(out, '\n')
			}
			out = append(out, '\n')
		}
		return append(out, section...), nil
	}
	j := bytes.Index(doc[i:], end)
	if j < 0 {
		return nil, fmt.Errorf("section %q begins but does not end", name)
	}
	j += i + len(end)
	out := append([]byte(nil), doc[:i]...)
	out = append(out, section...)
	return append(out, doc[j:]...), nil
}
