package vm

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
)

// tail keeps the last max bytes written to it, counts all of them, and
// copies the first fileMax bytes to file (when set). Guest and QEMU output
// go through it, so neither memory nor disk grows without bound.
type tail struct {
	mu      sync.Mutex
	buf     []byte
	max     int
	total   int64
	file    *os.File
	fileMax int64
}

func newTail(max int) *tail { return &tail{max: max} }

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.file != nil && t.total < t.fileMax {
		n := int64(len(p))
		if t.total+n > t.fileMax {
			n = t.fileMax - t.total
		}
		_, _ = t.file.Write(p[:n]) // the log file is a convenience; the tail is the record
	}
	t.total += int64(len(p))
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

// String is the kept tail, raw.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// Total is how many bytes were written.
func (t *tail) Total() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.total
}

var (
	// ansiRE matches terminal escape sequences (CSI and single-character).
	ansiRE = regexp.MustCompile(`\x1b(\[[0-9;?=]*[ -/]*[@-~]|[@-Z\\-_])`)
)

// lastLines returns at most n non-empty lines of s, without terminal escapes
// or other control characters, each cut to 300 characters, so that guest
// output can go into an error message.
func lastLines(s string, n int) string {
	s = ansiRE.ReplaceAllString(s, "")
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r", "\n"), "\n") {
		l = strings.Map(func(r rune) rune {
			if r == '\t' {
				return ' '
			}
			if r < 0x20 || r == 0x7f || r == 0xfffd {
				return -1
			}
			return r
		}, l)
		if strings.TrimSpace(l) == "" {
			continue
		}
		if len(l) > 300 {
			l = strings.ToValidUTF8(l[:300], "") + "..."
		}
		lines = append(lines, l)
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// bounded is b as text, cut to max bytes, for error messages.
func bounded(b []byte, max int) string {
	b = bytes.TrimSpace(b)
	if len(b) > max {
		return string(b[:max]) + "... (cut)"
	}
	return string(b)
}

// limitedBuffer keeps the first max bytes written and drops the rest,
// remembering that it did.
type limitedBuffer struct {
	buf       bytes.Buffer
	max       int
	truncated bool
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.buf.Len(); room < len(p) {
		l.truncated = true
		if room > 0 {
			l.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return l.buf.Write(p)
}

var _ io.Writer = (*limitedBuffer)(nil)

func (l *limitedBuffer) String() string {
	if l.truncated {
		return l.buf.String() + fmt.Sprintf("\n[output cut at %d bytes]", l.max)
	}
	return l.buf.String()
}
