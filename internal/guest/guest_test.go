package guest

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// localComm is a communicator for the local machine: real files, real sh.
// It records every call.
type localComm struct {
	packersdk.Communicator
	calls []string
}

func (c *localComm) Start(ctx context.Context, rc *packersdk.RemoteCmd) error {
	c.calls = append(c.calls, "start")
	cmd := exec.CommandContext(ctx, "sh", "-c", rc.Command)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = rc.Stdin, rc.Stdout, rc.Stderr
	go func() {
		err := cmd.Run()
		status := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			status = exit.ExitCode()
		} else if err != nil {
			status = packersdk.CmdDisconnect
		}
		rc.SetExited(status)
	}()
	return nil
}

func (c *localComm) Upload(dst string, r io.Reader, _ *os.FileInfo) error {
	c.calls = append(c.calls, "upload")
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}

func (c *localComm) Download(src string, w io.Writer) error {
	c.calls = append(c.calls, "download")
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func runner(t *testing.T, comm *localComm, max int64) (*Runner, string, *[]string) {
	dir := t.TempDir()
	var progress []string
	return &Runner{
		Comm:         comm,
		RemoteFolder: dir,
		Command:      func(p, res string) string { return "sh '" + p + "' '" + res + "'" },
		Progress:     func(l string) { progress = append(progress, l) },
		MaxResults:   max,
	}, dir, &progress
}

func TestRunIsFourRoundTripsAndCleansUp(t *testing.T) {
	comm := &localComm{}
	r, dir, progress := runner(t, comm, 1<<20)
	r.Stdin = "secret\n"
	out, err := r.Run(context.Background(), Script{Name: "s", Body: []byte(`read pw; echo "working"; echo "warn" >&2; printf '{"n":1}\n' > "$1"; [ "$pw" = secret ] && echo got-stdin`)})
	if err != nil {
		t.Fatal(err)
	}
	if string(out.Results) != "{\"n\":1}\n" || out.RoundTrips != 4 {
		t.Errorf("results %q round trips %d", out.Results, out.RoundTrips)
	}
	if got := strings.Join(comm.calls, ","); got != "upload,start,download,start" {
		t.Errorf("communicator calls %s", got)
	}
	if p := strings.Join(*progress, "|"); !strings.Contains(p, "working") || !strings.Contains(p, "warn") || !strings.Contains(p, "got-stdin") {
		t.Errorf("progress %q", p)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "s.*")); len(left) != 0 {
		t.Errorf("files left in the guest: %v", left)
	}
}

func TestRunEnforcesTheResultsLimit(t *testing.T) {
	comm := &localComm{}
	r, dir, _ := runner(t, comm, 100)
	_, err := r.Run(context.Background(), Script{Name: "big", Body: []byte(`head -c 1000 /dev/zero > "$1"`)})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("want ErrTooLarge, got %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "big.*")); len(left) != 0 {
		t.Errorf("files left in the guest after a failure: %v", left)
	}
}

func TestRunReportsAScriptThatNeverRan(t *testing.T) {
	comm := &localComm{}
	r, _, _ := runner(t, comm, 100)
	r.Command = func(p, res string) string { return "echo 'sudo: a password is required' >&2; exit 1" }
	out, err := r.Run(context.Background(), Script{Name: "x", Body: []byte("true")})
	if err == nil || !strings.Contains(err.Error(), "sudo: a password is required") || out.ExitStatus != 1 {
		t.Fatalf("err %v, outcome %+v", err, out)
	}
}

func TestRunRejectsUnsafeNames(t *testing.T) {
	r, _, _ := runner(t, &localComm{}, 100)
	for _, name := range []string{"", "a/b", "a b", "a'b"} {
		if _, err := r.Run(context.Background(), Script{Name: name}); err == nil {
			t.Errorf("name %q accepted", name)
		}
	}
}
