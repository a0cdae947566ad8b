package rootfs

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/imagesmith/packer-plugin-hardening/internal/chroot"
)

// stepPopulateRoot fills the empty root directory from the configured source:
// a bootstrap, a tarball or a copy of a directory.
type stepPopulateRoot struct {
	Config *Config
}

func (s *stepPopulateRoot) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	ui := state.Get("ui").(packersdk.Ui)
	root := state.Get("root").(string)
	c := s.Config

	var argv []string
	var what string
	switch {
	case c.Bootstrap != nil:
		argv = bootstrapCommand(c.Bootstrap, root)
		what = fmt.Sprintf("Bootstrapping %s (%s) with %s", c.Bootstrap.Suite, c.Bootstrap.Variant, c.Bootstrap.Tool)
	case c.SourceTarball != "":
		argv = []string{"tar", "--extract", "--file", c.SourceTarball, "--directory", root,
			"--numeric-owner", "--same-owner", "--preserve-permissions",
			"--xattrs", "--xattrs-include=*", "--acls"}
		what = "Unpacking " + c.SourceTarball
	case c.SourceDirectory != "":
		argv = []string{"cp", "--archive", "--reflink=auto", "--", filepath.Clean(c.SourceDirectory) + "/.", root + "/"}
		what = "Copying " + c.SourceDirectory
	}
	ui.Say(what + "...")
	start := time.Now()
	if err := runLogged(ctx, ui, c.chrootEnv(), argv...); err != nil {
		return halt(state, fmt.Errorf("%s: %w", strings.ToLower(what[:1])+what[1:], err))
	}
	ui.Say(fmt.Sprintf("Root filesystem ready in %s.", time.Since(start).Round(100*time.Millisecond)))
	state.Put("populate_duration", time.Since(start))

	if c.Bootstrap != nil {
		// The bootstrap copies the host's resolv.conf and hostname into the
		// tree; neither belongs in an image and both break reproducibility.
		for _, f := range []string{"etc/resolv.conf", "etc/hostname"} {
			if err := removeInRoot(root, f); err != nil {
				return halt(state, err)
			}
		}
	}
	return multistep.ActionContinue
}

func (s *stepPopulateRoot) Cleanup(multistep.StateBag) {}

// bootstrapCommand builds the mmdebstrap or debootstrap command line.
func bootstrapCommand(b *BootstrapConfig, root string) []string {
	if b.Tool == "debootstrap" {
		argv := []string{"debootstrap", "--components=" + strings.Join(b.Components, ",")}
		if b.Variant != "important" {
			argv = append(argv, "--variant="+b.Variant)
		}
		if len(b.Packages) > 0 {
			argv = append(argv, "--include="+strings.Join(b.Packages, ","))
		}
		for _, k := range b.Keyrings {
			argv = append(argv, "--keyring="+k)
		}
		argv = append(argv, b.Suite, root)
		if b.Mirror != "" {
			argv = append(argv, b.Mirror)
		}
		return argv
	}
	argv := []string{"mmdebstrap", "--mode=root", "--format=directory",
		"--variant=" + b.Variant,
		"--components=" + strings.Join(b.Components, ","),
		// Provisioners may apt-get install without apt-get update first; the
		// lists are removed before export.
		"--skip=cleanup/apt/lists",
	}
	if len(b.Packages) > 0 {
		argv = append(argv, "--include="+strings.Join(b.Packages, ","))
	}
	for _, k := range b.Keyrings {
		argv = append(argv, "--keyring="+k)
	}
	argv = append(argv, b.Suite, root)
	if b.Mirror != "" {
		argv = append(argv, b.Mirror)
	}
	return argv
}

// runLogged runs a host command, streaming its output to the UI. On
// cancellation the command gets SIGINT, its usual signal to clean up.
func runLogged(ctx context.Context, ui packersdk.Ui, env []string, argv ...string) error {
	chroot.CloseInheritedFDs()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 2 * time.Minute
	out := &lineWriter{emit: ui.Message}
	cmd.Stdout, cmd.Stderr = out, out
	err := cmd.Run()
	out.Flush()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%s: %w (last output: %s)", argv[0], err, out.Last())
	}
	return nil
}

// lineWriter turns a byte stream into whole lines for the UI and remembers
// the last one for error messages.
type lineWriter struct {
	mu   sync.Mutex
	buf  []byte
	last string
	emit func(string)
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := strings.IndexByte(string(w.buf), '\n')
		if i < 0 {
			break
		}
		w.line(string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
	return len(p), nil
}

func (w *lineWriter) line(s string) {
	s = strings.TrimRight(s, "\r")
	if strings.TrimSpace(s) == "" {
		return
	}
	w.last = s
	w.emit(s)
}

func (w *lineWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.line(string(w.buf))
		w.buf = nil
	}
}

func (w *lineWriter) Last() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last
}

var _ io.Writer = (*lineWriter)(nil)
