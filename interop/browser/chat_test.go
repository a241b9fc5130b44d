package browser

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/tcp"
	"github.com/asyncgo/async/timer"
)

// screenshotEnv names a file to keep the test's screenshot of the chat in.
const screenshotEnv = "CHAT_SCREENSHOT"

// What the three clients of TestChatInBrowser say.
const (
	aliceSays = "Hello from a browser tab! This page talks to the chat over a WebSocket."
	carolSays = "Hi alice, I'm on a plain TCP connection (nc)."
	bobSays   = "And I'm in a second tab: same room, same lines."
)

// TestChatInBrowser runs the chat example with its page and two pages of
// headless Chromium on it, with a TCP line client besides: each browser
// user's lines reach the other page and the line client, the line
// client's reach both pages, and the join and nick notices reach all.
// It checks a screenshot of the second page; then /quit from the first
// page, and a SIGTERM that says goodbye to the second page, closes its
// WebSocket with 1001, and ends the server with status 0.
func TestChatInBrowser(t *testing.T) {
	chat := startChat(t, buildChat(t))
	devtools := startChromium(t)

	var shot []byte
	r, err := executor.Run(timer.TimeoutValue(async.Go(func(co *async.Co) error {
		var err error
		shot, err = drive(co, chat, devtools)
		return err
	}), 4*time.Minute))
	if err == nil {
		err = errors.Join(r.Err, r.Value)
	}
	if err != nil {
		t.Fatalf("%v\nthe chat's stderr ends:\n%s", err, &chat.stderr)
	}
	select {
	case <-chat.exited:
		if chat.err != nil {
			t.Errorf("after SIGTERM the chat exited with %v; its stderr ends:\n%s", chat.err, &chat.stderr)
		}
	case <-time.After(patience):
		t.Errorf("the chat did not exit within %v of SIGTERM; its stderr ends:\n%s", patience, &chat.stderr)
	}

	checkScreenshot(t, shot)
	if path := os.Getenv(screenshotEnv); path != "" {
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Error(err)
		}
	}
}

// drive plays the test through the browser's DevTools and the line
// client, and returns the screenshot of the second page.
func drive(co *async.Co, chat *chatServer, devtools string) ([]byte, error) {
	c, err := dialCDP(co, devtools)
	if err != nil {
		return nil, err
	}
	defer c.close(co)
	one, err := openChat(co, c, "one", chat.page)
	if err != nil {
		return nil, err
	}
	two, err := openChat(co, c, "two", chat.page)
	if err != nil {
		return nil, err
	}
	// The second page joins first, so that it sees the others join.
	if err := two.join(co, "bob"); err != nil {
		return nil, err
	}
	if err := one.join(co, "alice"); err != nil {
		return nil, err
	}
	if err := two.waitLine(co, " is now alice"); err != nil {
		return nil, err
	}
	carol, err := dialLines(co, chat.addr)
	if err != nil {
		return nil, err
	}
	defer carol.conn.Close()
	if err := carol.join(co, "carol"); err != nil {
		return nil, err
	}
	for _, p := range []*chatPage{one, two} {
		if err := p.waitLine(co, " is now carol"); err != nil {
			return nil, err
		}
	}

	// A browser's line reaches the other page and the line client.
	if err := one.say(co, aliceSays); err != nil {
		return nil, err
	}
	if err := two.waitLine(co, "alice: "+aliceSays); err != nil {
		return nil, err
	}
	if _, err := carol.expect(co, "alice: "+aliceSays, ""); err != nil {
		return nil, err
	}
	// The line client's reaches both pages.
	if err := carol.send(co, carolSays); err != nil {
		return nil, err
	}
	for _, p := range []*chatPage{one, two} {
		if err := p.waitLine(co, "carol: "+carolSays); err != nil {
			return nil, err
		}
	}
	// The second page's reaches the first, and the line client.
	if err := two.say(co, bobSays); err != nil {
		return nil, err
	}
	if err := one.waitLine(co, "bob: "+bobSays); err != nil {
		return nil, err
	}
	if _, err := carol.expect(co, "bob: "+bobSays, ""); err != nil {
		return nil, err
	}

	var shot struct {
		Data string `json:"data"`
	}
	if err := two.call(co, "Page.captureScreenshot", map[string]any{"format": "png"}, &shot); err != nil {
		return nil, err
	}
	img, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		return nil, fmt.Errorf("the screenshot: %w", err)
	}

	// /quit from a page works as from a line client, and its WebSocket
	// is closed with 1000.
	if err := one.say(co, "/quit"); err != nil {
		return nil, err
	}
	for _, line := range []string{"* goodbye", "* connection closed (1000: goodbye)"} {
		if err := one.waitLine(co, line); err != nil {
			return nil, err
		}
	}
	if err := two.waitLine(co, "* alice left"); err != nil {
		return nil, err
	}
	if _, err := carol.expect(co, "* alice left", ""); err != nil {
		return nil, err
	}

	// The server shuts down: everyone is told, and the WebSocket closed
	// with 1001.
	if err := chat.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return nil, err
	}
	for _, line := range []string{"* the server is shutting down, goodbye", "* connection closed (1001: server shutting down)"} {
		if err := two.waitLine(co, line); err != nil {
			return nil, err
		}
	}
	if _, err := carol.expect(co, "* the server is shutting down, goodbye", ""); err != nil {
		return nil, err
	}
	return img, nil
}

// chatPage is a browser tab showing the chat's page.
type chatPage struct{ *page }

// openChat opens a tab of the size of the screenshot on the chat's page.
func openChat(co *async.Co, c *cdp, name, url string) (*chatPage, error) {
	p, err := c.openPage(co, name)
	if err != nil {
		return nil, err
	}
	metrics := map[string]any{"width": 720, "height": 520, "deviceScaleFactor": 1, "mobile": false}
	if err := p.call(co, "Emulation.setDeviceMetricsOverride", metrics, nil); err != nil {
		return nil, err
	}
	var nav struct {
		ErrorText string `json:"errorText"`
	}
	if err := p.call(co, "Page.navigate", map[string]any{"url": url}, &nav); err != nil {
		return nil, err
	}
	if nav.ErrorText != "" {
		return nil, fmt.Errorf("page %s: navigating to %s: %s", name, url, nav.ErrorText)
	}
	cp := &chatPage{p}
	return cp, p.waitFor(co, "chat page", `document.readyState === "complete" && document.getElementById("messages") !== null`)
}

// join joins the chat as name, as a user would: the name in its field, a
// click on Join. The page sends "/nick name" once connected.
func (p *chatPage) join(co *async.Co, name string) error {
	err := p.eval(co, `document.getElementById("name").value = `+strconv.Quote(name)+`;
		document.getElementById("joinButton").click()`, nil)
	if err != nil {
		return err
	}
	return p.waitFor(co, "join as "+name, `document.getElementById("status").textContent === `+strconv.Quote("connected as "+name))
}

// say types line into the page's input and clicks Send.
func (p *chatPage) say(co *async.Co, line string) error {
	return p.eval(co, `document.getElementById("input").value = `+strconv.Quote(line)+`;
		document.getElementById("send").click()`, nil)
}

// waitLine waits until a line of the page's list holds text.
func (p *chatPage) waitLine(co *async.Co, text string) error {
	return p.waitFor(co, "line "+strconv.Quote(text), `Array.from(document.querySelectorAll("#messages li")).some(li => li.textContent.includes(`+strconv.Quote(text)+`))`)
}

// lineClient is a TCP client of the chat, on the runtime's own sockets.
type lineClient struct {
	conn  *tcp.Conn
	lines *aio.LineReader
}

func dialLines(co *async.Co, addr string) (*lineClient, error) {
	c, err := async.Get(co, timer.Timeout(tcp.Connect(addr), patience))
	if err != nil {
		return nil, err
	}
	return &lineClient{conn: c, lines: aio.NewLineReader(c, 4096)}, nil
}

// join takes name, once welcomed.
func (l *lineClient) join(co *async.Co, name string) error {
	if _, err := l.expect(co, "* welcome, ", ""); err != nil {
		return err
	}
	if err := l.send(co, "/nick "+name); err != nil {
		return err
	}
	_, err := l.expect(co, "* you are now "+name, "")
	return err
}

func (l *lineClient) send(co *async.Co, line string) error {
	_, err := async.Get(co, timer.Timeout(l.conn.WriteAll([]byte(line+"\n")), patience))
	return err
}

// expect reads lines until one starts with prefix and holds also, and
// returns it.
func (l *lineClient) expect(co *async.Co, prefix, also string) (string, error) {
	for {
		line, err := async.Get(co, timer.Timeout(l.lines.Next(), patience))
		if err != nil {
			return "", fmt.Errorf("the line client, waiting for a line %q...%q: %w", prefix, also, err)
		}
		if s := string(line); strings.HasPrefix(s, prefix) && strings.Contains(s, also) {
			return s, nil
		}
	}
}

// checkScreenshot checks that b is a PNG image with something on it:
// not empty, and not of one colour.
func checkScreenshot(t *testing.T, b []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the screenshot (%d bytes) is not a PNG image: %v", len(b), err)
	}
	r := img.Bounds()
	if r.Dx() <= 0 || r.Dy() <= 0 {
		t.Fatalf("the screenshot is %dx%d", r.Dx(), r.Dy())
	}
	if n := colours(img, 16); n < 2 {
		t.Errorf("the screenshot (%dx%d) has %d colour", r.Dx(), r.Dy(), n)
	}
}

// colours counts the distinct colours of img, up to most.
func colours(img image.Image, most int) int {
	seen := make(map[[4]uint32]bool)
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, ca := img.At(x, y).RGBA()
			seen[[4]uint32{cr, cg, cb, ca}] = true
			if len(seen) >= most {
				return len(seen)
			}
		}
	}
	return len(seen)
}
