package vm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// RunOutputMax bounds what Run keeps of a command's stdout and of its
// stderr.
const RunOutputMax = 1 << 20

// handshakeTimeout bounds one SSH connection attempt. QEMU accepts the TCP
// connection before the guest does, so the handshake needs its own bound.
const handshakeTimeout = 20 * time.Second

// SSH is what a Packer template or an ssh command needs to log in.
type SSH struct {
	Host           string
	Port           int
	User           string
	PrivateKeyFile string
}

// SSH returns the guest's SSH endpoint and credentials.
func (v *VM) SSH() SSH {
	return SSH{Host: v.Host, Port: v.Port, User: v.User, PrivateKeyFile: v.KeyFile}
}

// NullSource is the HCL of a Packer null builder source named name that
// connects to the guest, a stand-in for a cloud builder's instance.
func (v *VM) NullSource(name string) string {
	return fmt.Sprintf(`source "null" %q {
  ssh_host             = %q
  ssh_port             = %d
  ssh_username         = %q
  ssh_private_key_file = %q
  ssh_timeout          = "10m"
}
`, name, v.Host, v.Port, v.User, v.KeyFile)
}

// Command is an ssh command line that logs in to the guest.
func (v *VM) Command() string {
	return fmt.Sprintf("ssh -i %s -p %d -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null %s@%s", v.KeyFile, v.Port, v.User, v.Host)
}

// dial logs in once.
func (v *VM) dial(ctx context.Context) (*ssh.Client, error) {
	addr := net.JoinHostPort(v.Host, strconv.Itoa(v.Port))
	d := net.Dialer{Timeout: 5 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", addr, err)
	}
	deadline := time.Now().Add(handshakeTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = conn.SetDeadline(deadline)
	// A deadline does not see ctx being cancelled; closing the connection does.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	c, chans, reqs, err := ssh.NewClientConn(conn, addr, &ssh.ClientConfig{
		User:            v.User,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(v.seed.signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), // a fresh guest; its host keys are made at first boot
	})
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("ssh login as %s to %s: %w", v.User, addr, err)
	}
	_ = conn.SetDeadline(time.Time{})
	return ssh.NewClient(c, chans, reqs), nil
}

// loginRetry is how long Run retries a login that fails. sshd goes away
// for a moment after first login is possible: cloud-init restarts it when
// it applies ssh_pwauth.
const loginRetry = 2 * time.Minute

// dialRetry logs in, retrying for loginRetry. Nothing ran yet when a login
// fails, so retrying is safe.
func (v *VM) dialRetry(ctx context.Context) (*ssh.Client, error) {
	deadline := time.Now().Add(loginRetry)
	for {
		c, err := v.dial(ctx)
		if err == nil || time.Now().After(deadline) {
			return c, err
		}
		if exited, _ := v.exited(); exited {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(2 * time.Second):
		}
	}
}

// WaitSSH waits until the user can log in with the key and returns how long
// the guest took from QEMU's start. It fails at once when QEMU exits, and
// when ctx ends with the last serial console lines.
func (v *VM) WaitSSH(ctx context.Context) (time.Duration, error) {
	begin := time.Now()
	var last error
	for {
		if exited, why := v.exited(); exited {
			return 0, fmt.Errorf("VM stopped before SSH came up: %s; last serial lines:\n%s", why, v.SerialTail(30))
		}
		c, err := v.dial(ctx)
		if err == nil {
			c.Close()
			return time.Since(v.Started), nil
		}
		last = err
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("VM did not reach SSH in %s (%w; last attempt: %v); last serial lines:\n%s", time.Since(begin).Round(time.Second), ctx.Err(), last, v.SerialTail(30))
		case <-time.After(2 * time.Second):
		}
	}
}

// Run runs cmd in the guest as the user, over a new SSH connection, and
// returns its stdout and stderr (each cut at RunOutputMax) and its exit
// status. A command that runs and fails is not an error; a connection
// that fails, or a command that ends without a status, is.
func (v *VM) Run(ctx context.Context, cmd string) (stdout, stderr string, exit int, err error) {
	c, err := v.dialRetry(ctx)
	if err != nil {
		return "", "", -1, err
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		return "", "", -1, fmt.Errorf("ssh session: %w", err)
	}
	defer sess.Close()
	out, errOut := &limitedBuffer{max: RunOutputMax}, &limitedBuffer{max: RunOutputMax}
	sess.Stdout, sess.Stderr = out, errOut
	done := make(chan error, 1)
	go func() { done <- sess.Run(cmd) }()
	select {
	case err = <-done:
	case <-ctx.Done():
		c.Close()
		<-done
		return out.String(), errOut.String(), -1, fmt.Errorf("run %q: %w", cmd, ctx.Err())
	}
	var exitErr *ssh.ExitError
	switch {
	case err == nil:
		return out.String(), errOut.String(), 0, nil
	case errors.As(err, &exitErr):
		return out.String(), errOut.String(), exitErr.ExitStatus(), nil
	default:
		return out.String(), errOut.String(), -1, fmt.Errorf("run %q: %w", cmd, err)
	}
}

// BootID is the guest's /proc/sys/kernel/random/boot_id.
func (v *VM) BootID(ctx context.Context) (string, error) {
	out, errOut, exit, err := v.Run(ctx, "cat /proc/sys/kernel/random/boot_id")
	if err != nil {
		return "", err
	}
	id := strings.TrimSpace(out)
	if exit != 0 || len(id) != 36 {
		return "", fmt.Errorf("read boot_id: exit %d, %q %q", exit, lastLines(id, 1), lastLines(errOut, 3))
	}
	return id, nil
}

// Reboot runs `sudo systemctl reboot` in the guest and waits until SSH
// answers with another boot ID. It returns the boot IDs before and after.
func (v *VM) Reboot(ctx context.Context) (before, after string, err error) {
	if before, err = v.BootID(ctx); err != nil {
		return "", "", fmt.Errorf("reboot: %w", err)
	}
	// The connection may drop before the command reports its status.
	_, errOut, exit, err := v.Run(ctx, "sudo -n systemctl reboot")
	if err == nil && exit != 0 {
		return before, "", fmt.Errorf("reboot: sudo -n systemctl reboot: exit %d: %s", exit, lastLines(errOut, 5))
	}
	var last error
	for {
		if exited, why := v.exited(); exited {
			return before, "", fmt.Errorf("reboot: %s; last serial lines:\n%s", why, v.SerialTail(30))
		}
		attempt, cancel := context.WithTimeout(ctx, 30*time.Second)
		id, err := v.BootID(attempt)
		cancel()
		switch {
		case err == nil && id != before:
			return before, id, nil
		case err == nil:
			last = errors.New("SSH still answers from the old boot")
		default:
			last = err
		}
		select {
		case <-ctx.Done():
			return before, "", fmt.Errorf("reboot: guest did not come back (%v); last serial lines:\n%s", last, v.SerialTail(30))
		case <-time.After(2 * time.Second):
		}
	}
}
