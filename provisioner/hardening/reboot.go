package hardening

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"time"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/imagesmith/packer-plugin-hardening/internal/guest"
	"github.com/imagesmith/packer-plugin-hardening/internal/guestsh"
)

//go:embed reboot.sh
var rebootScript string

// Probe timing: the reboot is scheduled 5 s after reboot.sh returns.
const (
	firstProbeDelay = 10 * time.Second
	probeInterval   = 5 * time.Second
)

// reboot reboots the guest through runner and waits until SSH answers from
// a new boot. It returns the boot IDs before and after, and how long the
// guest took to come back.
func (p *Provisioner) reboot(ctx context.Context, ui packersdk.Ui, comm packersdk.Communicator, runner *guest.Runner, renderErr *error) (before, after string, took time.Duration, err error) {
	out, err := runner.Run(ctx, guest.Script{Name: guest.ScriptName("packer-hardening-reboot-"), Body: []byte(guestsh.Lib + rebootScript)})
	if *renderErr != nil {
		return "", "", 0, fmt.Errorf("execute_command: %w", *renderErr)
	}
	if err != nil {
		return "", "", 0, fmt.Errorf("reboot the guest: %w", guest.ExplainRunError(err, out, "reboot"))
	}
	if out.ExitStatus != 0 {
		return "", "", 0, fmt.Errorf("reboot the guest: the reboot script exited with status %d: %s", out.ExitStatus, out.Stderr)
	}
	before = strings.TrimSpace(string(out.Results))
	if !bootIDRE(before) {
		return "", "", 0, fmt.Errorf("reboot the guest: the reboot script reported boot ID %q", truncate(before, 64))
	}
	start := time.Now()
	ui.Say(fmt.Sprintf("Rebooting the guest to audit it on the running system (waiting up to %s for SSH)...", p.config.RebootTimeout))
	deadline := start.Add(p.config.RebootTimeout)
	wait := firstProbeDelay
	var last error
	for {
		select {
		case <-ctx.Done():
			return before, "", 0, ctx.Err()
		case <-time.After(wait):
		}
		wait = probeInterval
		remaining := time.Until(deadline)
		if remaining <= 0 {
			break
		}
		id, err := probeBootID(ctx, comm, remaining)
		switch {
		case err != nil:
			last = err
		case id != before:
			return before, id, time.Since(start), nil
		default:
			last = errors.New("the guest has not rebooted yet (same boot ID)")
		}
	}
	return before, "", 0, fmt.Errorf("the guest did not come back over SSH within reboot_timeout (%s) after the reboot (last attempt: %v): the hardened image may not boot or may refuse SSH (sshd, PAM, the firewall); the build fails rather than produce it. Boot the disk yourself or raise reboot_timeout for slow instances", p.config.RebootTimeout, last)
}

// probeBootID reads the guest's boot ID over a new SSH session, within
// timeout. The communicator reconnects when its connection died with the
// old boot; a session on a connection to a guest that is down can block
// until TCP gives up or the new boot resets it, so one probe runs at a time
// and only the overall deadline stops it.
func probeBootID(ctx context.Context, comm packersdk.Communicator, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var stdout bytes.Buffer
	cmd := &packersdk.RemoteCmd{Command: "cat /proc/sys/kernel/random/boot_id", Stdout: &limitedBuffer{b: &stdout, max: 128}}
	done := make(chan error, 1)
	go func() {
		if err := comm.Start(ctx, cmd); err != nil {
			done <- err
			return
		}
		if status := cmd.Wait(); status != 0 {
			done <- fmt.Errorf("reading the boot ID exited with status %d", status)
			return
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			return "", err
		}
	case <-ctx.Done():
		return "", fmt.Errorf("no answer over SSH within %s", timeout)
	}
	id := strings.TrimSpace(stdout.String())
	if !bootIDRE(id) {
		return "", fmt.Errorf("the guest reported boot ID %q", truncate(id, 64))
	}
	return id, nil
}

// bootIDRE reports whether s looks like a kernel boot ID (a UUID).
func bootIDRE(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if r != '-' {
				return false
			}
		case (r < '0' || r > '9') && (r < 'a' || r > 'f'):
			return false
		}
	}
	return true
}

// limitedBuffer keeps at most max bytes of what the guest prints.
type limitedBuffer struct {
	b   *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
