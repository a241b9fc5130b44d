package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// nodeDir holds the Node.js peers and their package.json.
const nodeDir = "node"

// nodeTimeout bounds one run of client.mjs: its cases take a few seconds.
const nodeTimeout = 3 * time.Minute

// nodeResult is one line of client.mjs's output.
type nodeResult struct {
	Case      string `json:"case"`
	ID        string `json:"id"`
	Connected bool   `json:"connected"`
	Pass      bool   `json:"pass"`
	Error     string `json:"error"`
}

// needNode fails the test unless node and npm are installed, and installs
// the peers' packages (ws, pinned by package-lock.json) with npm ci when
// node_modules is missing.
func needNode(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed for the Node.js peers (apt-get install nodejs npm; .ci/run installs them): %v", tool, err)
		}
	}
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "ws", "package.json")); err == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), nodeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = nodeDir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", nodeDir, err, out)
	}
}

// runNodeClient runs client.mjs against the echo server at base and makes
// a subtest of each case it reports, which fails if the client failed it,
// the server did (where v holds its verdicts), or the frames the tap saw
// are wrong.
func runNodeClient(t *testing.T, tp *tap, v *verdicts) {
	base := tp.base()
	needNode(t)
	ctx, cancel := context.WithTimeout(context.Background(), nodeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "client.mjs", base)
	cmd.Dir = nodeDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	byName := make(map[string]testCase)
	for _, tc := range cases() {
		byName[tc.name] = tc
	}
	var n int
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var r nodeResult
		if jerr := json.Unmarshal(sc.Bytes(), &r); jerr != nil {
			t.Errorf("client.mjs printed %q: %v", sc.Bytes(), jerr)
			continue
		}
		n++
		t.Run(r.Case, func(t *testing.T) {
			if !r.Pass {
				t.Errorf("node client: %s", r.Error)
			}
			tc, ok := byName[r.Case]
			if !ok {
				t.Fatalf("client.mjs ran a case cases_test.go does not have")
			}
			if r.Connected {
				checkServerAndWire(t, tp, v, tc, r.ID)
			}
		})
	}
	if want := len(byName); n != want {
		t.Errorf("client.mjs reported %d cases, want %d", n, want)
	}
	if err != nil && !t.Failed() {
		t.Errorf("node client.mjs %s: %v\n%s", base, err, stderr.Bytes())
	}
}

// TestNodeClientGorillaServer proves client.mjs against a server that is
// not ours.
func TestNodeClientGorillaServer(t *testing.T) {
	tp := startTap(t)
	base, v := startGorilla(t)
	tp.forward(base)
	runNodeClient(t, tp, v)
}

func TestNodeClientOurServer(t *testing.T) {
	eachRuntime(t, func(t *testing.T, rt runtime) {
		tp := startTap(t)
		base, v := startOurs(t, rt)
		tp.forward(base)
		runNodeClient(t, tp, v)
	})
}

// nodeVerdict is one line of server.mjs's output after the first.
type nodeVerdict struct {
	Listening string `json:"listening"`
	ID        string `json:"id"`
	Pass      bool   `json:"pass"`
	Error     string `json:"error"`
}

// startNodeServer runs server.mjs until the test ends and returns its
// ws:// base URL and the verdicts it prints.
func startNodeServer(t *testing.T) (string, *verdicts) {
	needNode(t)
	cmd := exec.Command("node", "server.mjs")
	cmd.Dir = nodeDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("node server.mjs: %v", err)
	}
	v := newVerdicts()
	listening := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		readNodeVerdicts(stdout, listening, v)
	}()
	t.Cleanup(func() {
		stdin.Close() // server.mjs exits when its input ends
		select {
		case <-done:
		case <-time.After(opTimeout):
			cmd.Process.Kill()
			<-done
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("node server.mjs: %v\n%s", err, stderr.Bytes())
		}
	})
	select {
	case addr, ok := <-listening:
		if !ok {
			t.Fatalf("node server.mjs did not say where it listens")
		}
		return "ws://" + addr, v
	case <-time.After(opTimeout):
		t.Fatalf("node server.mjs did not start within %v", opTimeout)
		return "", nil
	}
}

// readNodeVerdicts reads server.mjs's output: its address, then a verdict
// per connection.
func readNodeVerdicts(out io.Reader, listening chan<- string, v *verdicts) {
	defer close(listening)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		var r nodeVerdict
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			continue // not ours to read; the verdict's absence fails the case
		}
		if r.Listening != "" {
			listening <- r.Listening
			continue
		}
		var err error
		if !r.Pass {
			err = errors.New(r.Error)
		}
		v.put(r.ID, err)
	}
}

func TestOurClientNodeServer(t *testing.T) {
	eachRuntime(t, func(t *testing.T, rt runtime) {
		tp := startTap(t)
		base, v := startNodeServer(t)
		tp.forward(base)
		runCases(t, tp, v, ourDial(rt))
	})
}
