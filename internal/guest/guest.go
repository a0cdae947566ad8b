// Package guest runs one generated script in a guest over a Packer
// communicator: one upload, one run, one download of its results, and one
// cleanup, whatever the script does. It knows nothing about what the script
// checks.
package guest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"
	"time"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// Script is what to run.
type Script struct {
	// Name is the base name of the uploaded files (no slashes).
	Name string
	Body []byte
}

// Runner runs scripts through Comm.
type Runner struct {
	Comm packersdk.Communicator
	// RemoteFolder receives the script and its results; the script is run
	// with sh, so the folder does not need to allow exec.
	RemoteFolder string
	// Command returns the shell command that runs the script at path as root
	// with the results file as its argument.
	Command func(path, results string) string
	// Stdin is given to the command (a sudo password, for sudo -S).
	Stdin string
	// Progress receives the script's stdout and stderr, line by line.
	Progress func(line string)
	// MaxResults bounds the downloaded results.
	MaxResults int64
}

// Outcome is what a run produced.
type Outcome struct {
	Results    []byte
	ExitStatus int
	// Stderr is the tail of the command's standard error.
	Stderr string
	// RoundTrips counts communicator calls: upload, run, download, cleanup.
	RoundTrips int
	Duration   time.Duration
}

// ErrTooLarge means the results exceeded MaxResults.
var ErrTooLarge = errors.New("results exceed the size limit")

// Run uploads, runs and downloads; it always tries to remove the remote
// files, with a context of its own so a cancelled build still cleans up.
func (r *Runner) Run(ctx context.Context, s Script) (*Outcome, error) {
	if strings.ContainsAny(s.Name, "/'\"\\ \n") || s.Name == "" {
		return nil, fmt.Errorf("script name %q: want a plain file name", s.Name)
	}
	scriptPath := path.Join(r.RemoteFolder, s.Name+".sh")
	resultsPath := path.Join(r.RemoteFolder, s.Name+".out")
	out := &Outcome{}
	start := time.Now()
	defer func() { out.Duration = time.Since(start) }()

	out.RoundTrips++
	if err := r.Comm.Upload(scriptPath, bytes.NewReader(s.Body), nil); err != nil {
		return out, fmt.Errorf("upload script to %s: %w", scriptPath, err)
	}
	defer r.cleanup(out, scriptPath, resultsPath)

	stderr := &tail{max: 4096}
	// Communicators copy stdout and stderr in goroutines of their own: each
	// stream keeps its own partial line, and the callback is serialised.
	var mu sync.Mutex
	progressOut := &lines{fn: r.Progress, mu: &mu}
	progressErr := &lines{fn: r.Progress, mu: &mu}
	cmd := &packersdk.RemoteCmd{
		Command: r.Command(scriptPath, resultsPath),
		Stdout:  progressOut,
		Stderr:  io.MultiWriter(stderr, progressErr),
	}
	if r.Stdin != "" {
		cmd.Stdin = strings.NewReader(r.Stdin)
	}
	out.RoundTrips++
	if err := cmd.RunWithUi(ctx, r.Comm, discardUi{}); err != nil {
		return out, fmt.Errorf("run script: %w", err)
	}
	progressOut.flush()
	progressErr.flush()
	out.ExitStatus = cmd.ExitStatus()
	out.Stderr = strings.TrimSpace(stderr.String())

	out.RoundTrips++
	buf := &limited{max: r.MaxResults}
	if err := r.Comm.Download(resultsPath, buf); err != nil {
		if errors.Is(err, ErrTooLarge) {
			return out, fmt.Errorf("download %s: %w (%d bytes)", resultsPath, err, r.MaxResults)
		}
		return out, fmt.Errorf("download results %s (script exit status %d; stderr: %s): %w", resultsPath, out.ExitStatus, orNone(out.Stderr), err)
	}
	if buf.over {
		return out, fmt.Errorf("download %s: %w (%d bytes)", resultsPath, ErrTooLarge, r.MaxResults)
	}
	out.Results = buf.Bytes()
	return out, nil
}

func (r *Runner) cleanup(out *Outcome, files ...string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out.RoundTrips++
	cmd := &packersdk.RemoteCmd{Command: "rm -f '" + strings.Join(files, "' '") + "'"}
	if err := cmd.RunWithUi(ctx, r.Comm, discardUi{}); err != nil && r.Progress != nil {
		r.Progress(fmt.Sprintf("could not remove %s from the guest: %v", strings.Join(files, ", "), err))
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// limited keeps at most max bytes and remembers whether more came. The
// buffer is a field, not embedded, so io.Copy cannot bypass Write through
// bytes.Buffer's ReadFrom.
type limited struct {
	buf  bytes.Buffer
	max  int64
	over bool
}

func (l *limited) Write(p []byte) (int, error) {
	if int64(l.buf.Len()+len(p)) > l.max {
		l.over = true
		return 0, ErrTooLarge
	}
	return l.buf.Write(p)
}

func (l *limited) Bytes() []byte { return l.buf.Bytes() }

// tail keeps the last max bytes written.
type tail struct {
	b   []byte
	max int
}

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tail) String() string { return string(t.b) }

// lines calls fn for every complete line; long lines are cut. mu guards
// buf and fn, and may be shared by the writers of one command.
type lines struct {
	fn  func(string)
	mu  *sync.Mutex
	buf []byte
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.emit(l.buf[:i])
		l.buf = l.buf[i+1:]
	}
	if len(l.buf) > 4096 {
		l.emit(l.buf)
		l.buf = nil
	}
	return len(p), nil
}

func (l *lines) emit(b []byte) {
	if l.fn != nil && len(bytes.TrimSpace(b)) > 0 {
		l.fn(strings.TrimRight(string(b), "\r"))
	}
}

func (l *lines) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		l.emit(l.buf)
		l.buf = nil
	}
}

// discardUi satisfies RunWithUi, which wants a Ui only to print on failure.
type discardUi struct{ packersdk.Ui }

func (discardUi) Say(string)     {}
func (discardUi) Message(string) {}
func (discardUi) Error(string)   {}
