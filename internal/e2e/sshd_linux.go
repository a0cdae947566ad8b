package e2e

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/imagesmith/packer-plugin-hardening/internal/chroot"
)

// User is an account the harness created in the rootfs.
type User struct {
	Name string
	// KeyFile is the user's ed25519 private key on the host (mode 0600).
	KeyFile string
	// Password is set for pwsudo only, whose sudo asks for it.
	Password string
	signer   ssh.Signer
}

// SSHD is the rootfs's own sshd, run chrooted on Host:Port.
type SSHD struct {
	Host string
	Port int
	// Users are admin (passwordless sudo, like a cloud image's default
	// user), pwsudo (sudo with Password) and nosudo (no sudo rights).
	Users map[string]*User

	root string
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
	log  *syncBuffer
}

// LoginTimeout bounds one Login: connection, authentication and command.
const LoginTimeout = 2 * time.Minute

// StartSSHD prepares root (an unpacked rootfs with openssh-server and sudo)
// and starts its own /usr/sbin/sshd chrooted on a free port of 127.0.0.1.
// It runs under BootedGuestSysctls. Cleanup stops sshd, kills what still
// runs in root, unmounts it and restores the host's sysctls.
func StartSSHD(t testing.TB, root string) *SSHD {
	t.Helper()
	if _, err := os.Stat(filepath.Join(root, "usr/sbin/sshd")); err != nil {
		t.Fatalf("no sshd in %s: %v", root, err)
	}
	// The chroot stands in for a booted guest: give it a booted guest's
	// kernel settings, which it shares with the host.
	SetSysctls(t, BootedGuestSysctls)
	s := &SSHD{Host: "127.0.0.1", Users: map[string]*User{}, root: root}
	if err := chroot.Mount(root); err != nil {
		t.Fatalf("mount pseudo filesystems in %s: %v", root, err)
	}
	t.Cleanup(func() {
		s.stop(t)
		if err := Release(root); err != nil {
			t.Errorf("release %s: %v", root, err)
		}
	})
	keys := t.TempDir()
	for _, name := range []string{"admin", "pwsudo", "nosudo"} {
		u, err := s.addUser(name, keys)
		if err != nil {
			t.Fatal(err)
		}
		s.Users[name] = u
	}
	if err := s.provideNetworkIdentity(); err != nil {
		t.Fatal(err)
	}
	if out, err := s.chroot(nil, "ssh-keygen", "-A"); err != nil {
		t.Fatalf("generate host keys in the chroot: %v\n%s", err, out)
	}
	if err := s.allowLoginuidFailure(t); err != nil {
		t.Fatal(err)
	}
	s.Port = freePort(t)
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
	return s
}

// chroot runs argv inside the rootfs with a clean environment.
func (s *SSHD) chroot(stdin io.Reader, argv ...string) ([]byte, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: s.root}
	cmd.Dir = "/"
	cmd.Env = []string{"PATH=" + chroot.DefaultPath, "LC_ALL=C"}
	cmd.Stdin = stdin
	return cmd.CombinedOutput()
}

// userScript creates user $1 if absent and authorizes key $2 for it. It
// runs in the chroot so that no path in the rootfs resolves on the host.
const userScript = `set -eu
id -u "$1" >/dev/null 2>&1 || useradd -m -s /bin/bash "$1"
home=$(getent passwd "$1" | cut -d: -f6)
group=$(id -gn "$1")
install -d -m 0700 -o "$1" -g "$group" "$home/.ssh"
printf '%s\n' "$2" >> "$home/.ssh/authorized_keys"
chown "$1:$group" "$home/.ssh/authorized_keys"
chmod 0600 "$home/.ssh/authorized_keys"
`

// sudoersScript installs sudoers.d file $1 with the rule on stdin. visudo
// checks it first under a name with a dot, which sudo ignores, so a mistake
// cannot break sudo for everyone.
const sudoersScript = `set -eu
cat > "/etc/sudoers.d/.$1.new"
chmod 0440 "/etc/sudoers.d/.$1.new"
visudo -cqf "/etc/sudoers.d/.$1.new"
mv "/etc/sudoers.d/.$1.new" "/etc/sudoers.d/$1"
`

// addUser creates name in the rootfs with a fresh ed25519 key whose private
// half is written to dir, and grants its sudo rights.
func (s *SSHD) addUser(name, dir string) (*User, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("key for %s: %w", name, err)
	}
	block, err := ssh.MarshalPrivateKey(priv, name)
	if err != nil {
		return nil, fmt.Errorf("key for %s: %w", name, err)
	}
	u := &User{Name: name, KeyFile: filepath.Join(dir, name)}
	if err := os.WriteFile(u.KeyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, fmt.Errorf("write key for %s: %w", name, err)
	}
	if u.signer, err = ssh.NewSignerFromKey(priv); err != nil {
		return nil, fmt.Errorf("signer for %s: %w", name, err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("public key for %s: %w", name, err)
	}
	authorized := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))) + " e2e-" + name
	if out, err := s.chroot(nil, "sh", "-c", userScript, "sh", name, authorized); err != nil {
		return nil, fmt.Errorf("create user %s: %w\n%s", name, err, out)
	}
	switch name {
	case "admin":
		// The file and rule cloud-init writes for an image's default user.
		rule := "# User rules for admin (e2e harness, as cloud-init writes them)\nadmin ALL=(ALL) NOPASSWD:ALL\n"
		if out, err := s.chroot(strings.NewReader(rule), "sh", "-c", sudoersScript, "sh", "90-cloud-init-users"); err != nil {
			return nil, fmt.Errorf("sudo rule for admin: %w\n%s", err, out)
		}
	case "pwsudo":
		pw := make([]byte, 12)
		if _, err := rand.Read(pw); err != nil {
			return nil, fmt.Errorf("password for pwsudo: %w", err)
		}
		u.Password = hex.EncodeToString(pw)
		if out, err := s.chroot(strings.NewReader("pwsudo:"+u.Password+"\n"), "chpasswd"); err != nil {
			return nil, fmt.Errorf("set password of pwsudo: %w\n%s", err, out)
		}
		if out, err := s.chroot(strings.NewReader("pwsudo ALL=(ALL) ALL\n"), "sh", "-c", sudoersScript, "sh", "90-e2e-pwsudo"); err != nil {
			return nil, fmt.Errorf("sudo rule for pwsudo: %w\n%s", err, out)
		}
	}
	return u, nil
}

// networkScript gives the chroot the host's resolver ($1 on stdin) and an
// /etc/hosts entry for the host name $1, which the chroot shares with the
// host. A booted VM gets both from DHCP and cloud-init; without the second,
// sudo prints "unable to resolve host" into every command's output.
const networkScript = `set -eu
rm -f /etc/resolv.conf
cat > /etc/resolv.conf
[ -e /etc/hosts ] || printf '127.0.0.1\tlocalhost\n' > /etc/hosts
grep -qE "[[:space:]]$1([[:space:]]|\$)" /etc/hosts || printf '127.0.1.1\t%s\n' "$1" >> /etc/hosts
`

func (s *SSHD) provideNetworkIdentity() error {
	resolv, err := os.ReadFile("/etc/resolv.conf")
	if err != nil {
		return fmt.Errorf("read the host's resolv.conf: %w", err)
	}
	host, err := os.Hostname()
	if err != nil {
		return fmt.Errorf("host name: %w", err)
	}
	if out, err := s.chroot(bytes.NewReader(resolv), "sh", "-c", networkScript, "sh", host); err != nil {
		return fmt.Errorf("resolv.conf and hosts in the chroot: %w\n%s", err, out)
	}
	return nil
}

// loginuidProbe exits 0 when pam_loginuid will succeed or ignore itself in
// this chroot, and prints "cannot-set-loginuid" when it will fail. It
// mirrors pam_loginuid: no /proc/self/loginuid (no kernel audit) or a user
// namespace (uid_map other than the identity map) make it PAM_IGNORE;
// otherwise it writes the user's uid to /proc/self/loginuid, which the shell
// here does for itself.
const loginuidProbe = `[ -e /proc/self/loginuid ] || exit 0
awk 'NR == 1 && $1 == 0 && $2 == 0 && $3 == 4294967295 { host = 1 } END { exit !host }' /proc/self/uid_map || exit 0
cur=$(cat /proc/self/loginuid)
new=0; [ "$cur" != 0 ] || new=1
if echo "$new" 2>/dev/null > /proc/self/loginuid; then exit 0; fi
echo cannot-set-loginuid
`

// allowLoginuidFailure makes pam_loginuid optional for sshd in the rootfs,
// but only where the test environment, not the image, makes it fail.
//
// Debian's /etc/pam.d/sshd has "session required pam_loginuid.so", which
// writes the user's uid to /proc/self/loginuid. The kernel allows that
// once for a process whose loginuid is unset, and again only with
// CAP_AUDIT_CONTROL. A booted VM starts sshd with an unset loginuid, and
// real root has the capability anyway, so it works there and usually here.
// But when the tests run from a login session (loginuid already set, e.g.
// ssh + sudo) inside a container without CAP_AUDIT_CONTROL, sshd inherits
// that loginuid, every session fails with "pam_open_session(): Cannot
// make/remove an entry for the specified session" and commands exit 254.
// Only then, the one line becomes "optional"; everything else in the
// image's PAM and sshd configuration stays as built. (pam_systemd, when
// installed, is "optional" in common-session already: without logind in
// the chroot it fails and is skipped, so it needs nothing.)
func (s *SSHD) allowLoginuidFailure(t testing.TB) error {
	out, err := s.chroot(nil, "sh", "-c", loginuidProbe)
	if err != nil {
		return fmt.Errorf("probe /proc/self/loginuid in the chroot: %w\n%s", err, out)
	}
	if !strings.Contains(string(out), "cannot-set-loginuid") {
		return nil
	}
	t.Logf("this process cannot set audit loginuids (loginuid set, no CAP_AUDIT_CONTROL): making pam_loginuid optional in %s/etc/pam.d/sshd", s.root)
	sed := `s/^(session[[:space:]]+)required([[:space:]]+pam_loginuid\.so)/\1optional\2/`
	if out, err := s.chroot(nil, "sed", "-i", "-E", sed, "/etc/pam.d/sshd"); err != nil {
		return fmt.Errorf("make pam_loginuid optional: %w\n%s", err, out)
	}
	return nil
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// start runs sshd in the foreground (-D) with its log on stderr (-e) and
// waits until it accepts connections.
func (s *SSHD) start() error {
	// /run is a fresh tmpfs; sshd needs its privilege separation directory.
	if out, err := s.chroot(nil, "install", "-d", "-m", "0755", "/run/sshd"); err != nil {
		return fmt.Errorf("create /run/sshd in the chroot: %w\n%s", err, out)
	}
	s.log = &syncBuffer{}
	s.cmd = exec.Command("/usr/sbin/sshd", "-D", "-e", "-o", "ListenAddress="+s.Host, "-p", strconv.Itoa(s.Port))
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: s.root, Setpgid: true}
	s.cmd.Dir = "/"
	s.cmd.Env = []string{"PATH=" + chroot.DefaultPath, "LC_ALL=C"}
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		s.cmd = nil
		return fmt.Errorf("start sshd in %s: %w", s.root, err)
	}
	s.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); close(done) }(s.cmd, s.done)
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("sshd exited (%v) before listening on %s:\n%s", s.cmd.ProcessState, addr, s.log)
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("sshd did not listen on %s within 15s:\n%s", addr, s.log)
}

// stop terminates sshd (the listener; sessions are killed by Release) and
// writes its log to the test log.
func (s *SSHD) stop(t testing.TB) {
	if s.cmd == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	}
	t.Logf("sshd log (port %d):\n%s", s.Port, s.log)
	s.cmd = nil
}

// Restart stops sshd and starts it again on the same port, so that it reads
// the rootfs's current configuration, as the image's sshd would at boot.
func (s *SSHD) Restart(t testing.TB) {
	t.Helper()
	s.stop(t)
	if err := s.start(); err != nil {
		t.Fatalf("restart sshd: %v", err)
	}
}

// Login opens a new SSH connection as user with its key, runs command and
// returns its combined output. A non-zero exit is an *ssh.ExitError.
func (s *SSHD) Login(user, command string) (string, error) {
	u, ok := s.Users[user]
	if !ok {
		return "", fmt.Errorf("ssh login: no harness user %q", user)
	}
	client, err := ssh.Dial("tcp", net.JoinHostPort(s.Host, strconv.Itoa(s.Port)), &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(u.signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), // host keys made for this test
		Timeout:         10 * time.Second,
	})
	if err != nil {
		return "", fmt.Errorf("ssh login as %s: %w", user, err)
	}
	defer client.Close()
	// A command waiting for input that never comes must not hang the test.
	timer := time.AfterFunc(LoginTimeout, func() { client.Close() })
	defer timer.Stop()
	sess, err := client.NewSession()
	if err != nil {
		return "", fmt.Errorf("ssh session as %s: %w", user, err)
	}
	defer sess.Close()
	out, err := sess.CombinedOutput(command)
	if err != nil {
		return string(out), fmt.Errorf("ssh %s@%s %q: %w", user, s.Host, command, err)
	}
	return string(out), nil
}

// NullSource is the HCL of a null builder source named name that connects
// to this sshd as user with its key.
func (s *SSHD) NullSource(name, user string) string {
	return fmt.Sprintf(`source "null" %q {
  ssh_host             = %q
  ssh_port             = %d
  ssh_username         = %q
  ssh_private_key_file = %q
}
`, name, s.Host, s.Port, user, s.Users[user].KeyFile)
}

// syncBuffer is a bytes.Buffer that sshd's output copier and the test may
// use at the same time.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
