package seal

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// MaxOutputBytes bounds what the script may report: package databases and a
// listing of a few hundred thousand files fit many times over.
const MaxOutputBytes = 1 << 30

// ErrIncomplete means the script stopped before its end marker.
var ErrIncomplete = errors.New("the finalize script did not finish")

// StepResult is what one cleanup step did.
type StepResult struct {
	Step string `json:"step"`
	// Status is done, clean (nothing to do), skipped (by configuration),
	// kept (not safe to do here) or not-applicable.
	Status string `json:"status"`
	Detail string `json:"detail"`
}

// Finding is one leftover secret: where and which rule, never the content.
type Finding struct {
	Rule string `json:"rule"`
	Path string `json:"path"`
}

// Capture is everything one run reported.
type Capture struct {
	OSRelease    []byte
	DpkgStatus   []byte
	Licenses     []byte
	RPMQuery     []byte
	APKInstalled []byte
	// Listing and Hashes are the raw filesystem listing and sha256sum
	// output; HashZero says whether sha256sum wrote NUL-terminated records.
	Listing  []byte
	Hashes   []byte
	HashZero bool
	Jobs     int
	// HashErrors are the lines sha256sum wrote to standard error.
	HashErrors []string
	// Pruned are the paths the listing did not descend into.
	Pruned   []string
	Cleanup  []StepResult
	Findings []Finding
	// PhasesMS are the guest times of cleanup, secret_scan, packages,
	// listing, hashing and total.
	PhasesMS map[string]int64
}

// VanishedOnly says whether every hashing error is a file that disappeared
// between listing and hashing (logs rotated by a running system).
func (c *Capture) VanishedOnly() bool {
	for _, l := range c.HashErrors {
		if !strings.HasSuffix(l, ": No such file or directory") {
			return false
		}
	}
	return true
}

// Parse reads the results file. A run that stopped early returns
// ErrIncomplete, wrapped with the script's own reason when it gave one.
func Parse(data []byte) (*Capture, error) {
	c := &Capture{PhasesMS: map[string]int64{}}
	frames := map[string][]byte{}
	ended := false
	for len(data) > 0 {
		line, rest, ok := bytes.Cut(data, []byte{'\n'})
		if !ok {
			return nil, fmt.Errorf("%w: results end inside a frame header", ErrIncomplete)
		}
		if string(line) == "=end" {
			if len(rest) != 0 {
				return nil, fmt.Errorf("%d bytes after the end marker", len(rest))
			}
			ended = true
			break
		}
		f := strings.Fields(string(line))
		if len(f) != 3 || f[0] != "=frame" {
			return nil, fmt.Errorf("results: %q is not a frame header", truncate(string(line)))
		}
		n, err := strconv.Atoi(f[2])
		if err != nil || n < 0 || n+1 > len(rest) {
			return nil, fmt.Errorf("%w: frame %s is cut short", ErrIncomplete, f[1])
		}
		if rest[n] != '\n' {
			return nil, fmt.Errorf("results: frame %s is not %d bytes long", f[1], n)
		}
		if _, dup := frames[f[1]]; dup {
			return nil, fmt.Errorf("results: frame %s appears twice", f[1])
		}
		frames[f[1]] = rest[:n]
		data = rest[n+1:]
	}
	if err := c.events(frames["events"]); err != nil {
		return nil, err
	}
	if !ended {
		return nil, fmt.Errorf("%w (no end marker)", ErrIncomplete)
	}
	for _, name := range []string{"os-release", "secrets", "pruned", "listing", "hashes", "hash-errors", "events"} {
		if _, ok := frames[name]; !ok {
			return nil, fmt.Errorf("results: frame %s is missing", name)
		}
	}
	c.OSRelease, c.DpkgStatus, c.Licenses = frames["os-release"], frames["dpkg-status"], frames["licenses"]
	c.RPMQuery, c.APKInstalled = frames["rpm-query"], frames["apk-installed"]
	c.Listing, c.Hashes = frames["listing"], frames["hashes"]
	for _, l := range strings.Split(string(frames["hash-errors"]), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			c.HashErrors = append(c.HashErrors, l)
		}
	}
	for _, l := range strings.Split(string(frames["pruned"]), "\n") {
		if l != "" {
			c.Pruned = append(c.Pruned, l)
		}
	}
	if err := c.findings(frames); err != nil {
		return nil, err
	}
	return c, nil
}

// events reads the tab-separated event lines; a fatal event is the
// script's reason for stopping.
func (c *Capture) events(data []byte) error {
	for _, l := range strings.Split(string(data), "\n") {
		if l == "" {
			continue
		}
		f := strings.Split(l, "\t")
		switch {
		case f[0] == "fatal" && len(f) == 2:
			return fmt.Errorf("%w: %s", ErrIncomplete, f[1])
		case f[0] == "cleanup" && len(f) == 4:
			c.Cleanup = append(c.Cleanup, StepResult{Step: f[1], Status: f[2], Detail: f[3]})
		case f[0] == "phase" && len(f) == 3:
			ms, err := strconv.ParseInt(f[2], 10, 64)
			if err != nil {
				return fmt.Errorf("results: phase %s: bad duration %q", f[1], f[2])
			}
			c.PhasesMS[f[1]] = ms
		case f[0] == "hashing" && len(f) == 3:
			c.HashZero = f[1] == "-z"
			c.Jobs, _ = strconv.Atoi(f[2])
		default:
			return fmt.Errorf("results: unknown event %q", truncate(l))
		}
	}
	return nil
}

func (c *Capture) findings(frames map[string][]byte) error {
	seen := map[Finding]bool{}
	add := func(f Finding) {
		if f.Rule == "private-key" && strings.HasPrefix(f.Path, "/etc/ssh/ssh_host_") {
			f.Rule = "ssh-host-key"
		}
		if !seen[f] {
			seen[f] = true
			c.Findings = append(c.Findings, f)
		}
	}
	for _, rec := range splitNUL(frames["secrets"]) {
		rule, path, ok := strings.Cut(rec, "\t")
		if !ok || !strings.HasPrefix(path, "/") {
			return fmt.Errorf("results: bad secret finding %q", truncate(rec))
		}
		add(Finding{Rule: rule, Path: path})
	}
	for _, rule := range []string{"private-key", "aws-credentials"} {
		for _, path := range splitNUL(frames["grep-"+rule]) {
			if !strings.HasPrefix(path, "/") {
				return fmt.Errorf("results: bad %s finding %q", rule, truncate(path))
			}
			add(Finding{Rule: rule, Path: path})
		}
	}
	sort.Slice(c.Findings, func(i, j int) bool {
		a, b := c.Findings[i], c.Findings[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Rule < b.Rule
	})
	return nil
}

func splitNUL(b []byte) []string {
	var out []string
	for _, s := range strings.Split(string(b), "\x00") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func truncate(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}
