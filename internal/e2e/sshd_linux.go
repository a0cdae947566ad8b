package e2e

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/imagesmith/packer-plugin-hardening/internal/chroot"
)

// User is an account the harness created in the rootfs.
type User struct {
	Name string
	// KeyFile is the private key on the host (mode 0600).
	KeyFile  string
	Password string
	signer   ssh.Signer
}

// SSHD is the rootfs's own sshd, run chrooted on 127.0.0.1.
type SSHD struct {
	Host  string
	Port  int
	Users map[string]*User
	root  string
	cmd   *exec.Cmd
	log   *bytes.Buffer
	t     testing.TB
}

// StartSSHD creates three users in root — admin (passwordless sudo, like a
// cloud image's default user), pwsudo (sudo with a password) and nosudo —
// and starts the rootfs's sshd on a free port of 127.0.0.1.
func StartSSHD(t testing.TB, root string) *SSHD {
	t.Helper()
	if _, err := os.Stat(filepath.Join(root, "usr/sbin/sshd")); err != nil {
		t.Fatalf("no sshd in %s: %v", root, err)
	}
	if err := chroot.Mount(root); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Release(root) })
	s := &SSHD{Host: "127.0.0.1", root: root, Users: map[string]*User{}, t: t}
	keys := t.TempDir()
	for _, name := range []string{"admin", "pwsudo", "nosudo"} {
		u := &User{Name: name, KeyFile: filepath.Join(keys, name)}
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		block, err := ssh.MarshalPrivateKey(priv, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(u.KeyFile, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
		if u.signer, err = ssh.NewSignerFromKey(priv); err != nil {
			t.Fatal(err)
		}
		sshPub, err := ssh.NewPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		pw := make([]byte, 12)
		_, _ = rand.Read(pw)
		u.Password = hex.EncodeToString(pw)
		script := fmt.Sprintf(`set -e
id -u %[1]s >/dev/null 2>&1 || useradd -m -s /bin/bash %[1]s
install -d -m 0700 -o %[1]s -g %[1]s /home/%[1]s/.ssh
printf '%%s\n' %[2]q > /home/%[1]s/.ssh/authorized_keys
chown %[1]s:%[1]s /home/%[1]s/.ssh/authorized_keys && chmod 0600 /home/%[1]s/.ssh/authorized_keys
`, name, string(ssh.MarshalAuthorizedKey(sshPub)[:len(ssh.MarshalAuthorizedKey(sshPub))-1]))
		switch name {
		case "admin":
			script += "printf 'admin ALL=(ALL) NOPASSWD:ALL\\n' > /etc/sudoers.d/90-e2e-admin && chmod 0440 /etc/sudoers.d/90-e2e-admin\n"
		case "pwsudo":
			script += fmt.Sprintf("printf 'pwsudo:%s\\n' | chpasswd\nprintf 'pwsudo ALL=(ALL) ALL\\n' > /etc/sudoers.d/90-e2e-pwsudo && chmod 0440 /etc/sudoers.d/90-e2e-pwsudo\n", u.Password)
		}
		if out, err := s.chroot("sh", "-c", script); err != nil {
			t.Fatalf("create user %s: %v\n%s", name, err, out)
		}
		s.Users[name] = u
	}
	// A booted VM gets name resolution from DHCP and its host name in
	// /etc/hosts from cloud-init; the chroot gets the host's equivalents.
	if err := provideNetworkIdentity(root); err != nil {
		t.Fatal(err)
	}
	if out, err := s.chroot("sh", "-c", "mkdir -p /run/sshd && chmod 0755 /run/sshd && ssh-keygen -A"); err != nil {
		t.Fatalf("host keys: %v\n%s", err, out)
	}
	s.Port = freePort(t)
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *SSHD) chroot(argv ...string) ([]byte, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: s.root}
	cmd.Dir = "/"
	cmd.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"}
	return cmd.CombinedOutput()
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// start runs sshd in the foreground (-D) with its log on stderr (-e).
func (s *SSHD) start() {
	s.t.Helper()
	if out, err := s.chroot("mkdir", "-p", "/run/sshd"); err != nil {
		s.t.Fatalf("mkdir /run/sshd: %v %s", err, out)
	}
	s.log = &bytes.Buffer{}
	s.cmd = exec.Command("/usr/sbin/sshd", "-D", "-e", "-p", strconv.Itoa(s.Port), "-o", "ListenAddress=127.0.0.1")
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: s.root, Setpgid: true}
	s.cmd.Dir = "/"
	s.cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"}
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start sshd: %v", err)
	}
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
	}
	s.t.Fatalf("sshd did not listen on %s:\n%s", addr, s.log)
}

func (s *SSHD) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	s.t.Logf("sshd log:\n%s", s.log)
	s.cmd = nil
}

// Restart stops sshd and starts it again, so it reads the rootfs's current
// configuration, as the image's sshd would at boot.
func (s *SSHD) Restart(t testing.TB) {
	t.Helper()
	s.stop()
	s.start()
}

// Login opens a new SSH connection as user with its key and runs command.
func (s *SSHD) Login(user, command string) (string, error) {
	u, ok := s.Users[user]
	if !ok {
		return "", fmt.Errorf("no user %s", user)
	}
	client, err := ssh.Dial("tcp", net.JoinHostPort(s.Host, strconv.Itoa(s.Port)), &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(u.signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), // a throwaway test host
		Timeout:         10 * time.Second,
	})
	if err != nil {
		return "", fmt.Errorf("ssh login as %s: %w", user, err)
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		return "", fmt.Errorf("ssh session as %s: %w", user, err)
	}
	defer sess.Close()
	out, err := sess.CombinedOutput(command)
	return string(out), err
}

// NullSource is the HCL of a null builder source named name connecting to
// this sshd as user.
func (s *SSHD) NullSource(name, user string) string {
	return fmt.Sprintf(`source "null" %q {
  ssh_host             = %q
  ssh_port             = %d
  ssh_username         = %q
  ssh_private_key_file = %q
}
`, name, s.Host, s.Port, user, s.Users[user].KeyFile)
}

func provideNetworkIdentity(root string) error {
	resolv, err := os.ReadFile("/etc/resolv.conf")
	if err != nil {
		return fmt.Errorf("read host resolv.conf: %w", err)
	}
	dst := filepath.Join(root, "etc/resolv.conf")
	_ = os.Remove(dst)
	if err := os.WriteFile(dst, resolv, 0o644); err != nil {
		return err
	}
	host, err := os.Hostname()
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(root, "etc/hosts"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = fmt.Fprintf(f, "127.0.1.1 %s\n", host)
	return err
}
