package chroot

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// miniRoot builds a real, tiny root filesystem from the host's own sh, cat,
// tar, chmod, mkdir, sleep and touch plus the libraries they link, enough to
// exercise the communicator in a real chroot.
func miniRoot(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("needs Linux and root to chroot")
	}
	root := t.TempDir()
	// Runs before TempDir's removal: never delete through a mount.
	t.Cleanup(func() { _ = Unmount(root) })
	libRe := regexp.MustCompile(`(/[^ ]+) \(0x`)
	for _, name := range []string{"sh", "cat", "tar", "chmod", "mkdir", "sleep", "touch"} {
		bin, err := exec.LookPath(name)
		if err != nil {
			t.Skipf("%s not on the host: %v", name, err)
		}
		bin, _ = filepath.EvalSymlinks(bin)
		files := []string{bin}
		out, _ := exec.Command("ldd", bin).Output()
		for _, m := range libRe.FindAllStringSubmatch(string(out), -1) {
			files = append(files, m[1])
		}
		for _, f := range files {
			copyFile(t, f, filepath.Join(root, f))
		}
		copyFile(t, bin, filepath.Join(root, "bin", name))
	}
	for _, d := range []string{"tmp", "etc", "dest"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestCommunicatorRunsInsideTheChroot(t *testing.T) {
	root := miniRoot(t)
	c := &Communicator{Root: root, Env: []string{"MARKER=chroot-env"}}
	var stdout bytes.Buffer
	rc := &packersdk.RemoteCmd{Command: `touch /created-inside && echo "$MARKER $HOME" && exit 7`, Stdout: &stdout}
	if err := c.Start(context.Background(), rc); err != nil {
		t.Fatal(err)
	}
	if got := rc.Wait(); got != 7 {
		t.Errorf("exit status: got %d, want 7", got)
	}
	if got := strings.TrimSpace(stdout.String()); got != "chroot-env /root" {
		t.Errorf("environment in the chroot: got %q", got)
	}
	if _, err := os.Stat(filepath.Join(root, "created-inside")); err != nil {
		t.Errorf("/created-inside was not created inside the root: %v", err)
	}
	if _, err := os.Stat("/created-inside"); err == nil {
		t.Error("/created-inside was created on the host")
	}
}

func TestCommunicatorUploadFollowsSymlinksInsideTheImageOnly(t *testing.T) {
	root := miniRoot(t)
	hostDir := t.TempDir()
	// An absolute symlink in the image that names a host path: in the chroot
	// it must resolve below the root, never to the host directory.
	if err := os.Symlink(hostDir, filepath.Join(root, "evil")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, hostDir), 0o755); err != nil {
		t.Fatal(err)
	}
	c := &Communicator{Root: root}
	if err := c.Upload("/evil/file", strings.NewReader("payload"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(hostDir, "file")); err == nil {
		t.Fatal("upload through an absolute symlink wrote onto the host")
	}
	got, err := os.ReadFile(filepath.Join(root, hostDir, "file"))
	if err != nil || string(got) != "payload" {
		t.Fatalf("upload did not land inside the image: %q %v", got, err)
	}
	fi, _ := os.Stat(filepath.Join(root, hostDir, "file"))
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("default upload mode: got %o, want 644", fi.Mode().Perm())
	}
	var buf bytes.Buffer
	if err := c.Download("/evil/file", &buf); err != nil || buf.String() != "payload" {
		t.Errorf("download: got %q %v", buf.String(), err)
	}
	if err := c.Download("/missing", &buf); err == nil {
		t.Error("download of a missing file must fail")
	}
}

func TestCommunicatorDirectories(t *testing.T) {
	root := miniRoot(t)
	src := t.TempDir()
	if err := os.MkdirAll(filepath.Join(src, "conf/sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(src, "conf/a.txt"), []byte("a"), 0o600)
	os.WriteFile(filepath.Join(src, "conf/sub/b.txt"), []byte("b"), 0o644)
	os.WriteFile(filepath.Join(src, "conf/skip.log"), []byte("x"), 0o644)
	c := &Communicator{Root: root}

	// Without a trailing slash the directory itself is copied.
	if err := c.UploadDir("/dest", filepath.Join(src, "conf"), []string{"*.log"}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "dest/conf/sub/b.txt")); string(b) != "b" {
		t.Errorf("UploadDir: /dest/conf/sub/b.txt = %q", b)
	}
	if _, err := os.Stat(filepath.Join(root, "dest/conf/skip.log")); err == nil {
		t.Error("UploadDir copied an excluded file")
	}
	// With a trailing slash its contents are.
	if err := c.UploadDir("/etc/app", filepath.Join(src, "conf")+"/", nil); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "etc/app/a.txt")); string(b) != "a" {
		t.Errorf("UploadDir with trailing slash: /etc/app/a.txt = %q", b)
	}

	dst := t.TempDir()
	if err := c.DownloadDir("/etc/app", dst, nil); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "sub/b.txt")); string(b) != "b" {
		t.Errorf("DownloadDir: sub/b.txt = %q", b)
	}
}

func TestCommunicatorCancelStopsTheCommand(t *testing.T) {
	root := miniRoot(t)
	c := &Communicator{Root: root, KillTimeout: time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	rc := &packersdk.RemoteCmd{Command: "sleep 300"}
	if err := c.Start(ctx, rc); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	cancel()
	done := make(chan int, 1)
	go func() { done <- rc.Wait() }()
	select {
	case status := <-done:
		if status == 0 {
			t.Error("a cancelled command reported success")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cancelled command still running after 10s")
	}
	t.Logf("stopped %s after cancel", time.Since(start).Round(time.Millisecond))
}

func TestCommunicatorRefusesTheHostRoot(t *testing.T) {
	for _, root := range []string{"", "/", "//"} {
		c := &Communicator{Root: root}
		err := c.Start(context.Background(), &packersdk.RemoteCmd{Command: "true"})
		if err == nil {
			t.Errorf("Root %q: a command was started on the host", root)
		}
	}
}

func TestMountUnmountLeavesNothing(t *testing.T) {
	root := miniRoot(t)
	if err := Mount(root); err != nil {
		t.Fatal(err)
	}
	c := &Communicator{Root: root}
	var out bytes.Buffer
	rc := &packersdk.RemoteCmd{Command: "cat /proc/self/mounts >/dev/null && echo ok >/dev/null && cat /dev/null && (sleep 300 &) && echo started", Stdout: &out}
	if err := c.Start(context.Background(), rc); err != nil {
		t.Fatal(err)
	}
	if st := rc.Wait(); st != 0 {
		t.Fatalf("command with /proc and /dev in the chroot failed: %d", st)
	}
	if mounts, _ := MountsUnder(root); len(mounts) != len(pseudoMounts) {
		t.Errorf("mounted %d filesystems, want %d: %v", len(mounts), len(pseudoMounts), mounts)
	}
	if err := Unmount(root); err != nil {
		t.Fatal(err)
	}
	if mounts, _ := MountsUnder(root); len(mounts) > 0 {
		t.Errorf("still mounted after Unmount: %v", mounts)
	}
	if pids := processesIn(root); len(pids) > 0 {
		t.Errorf("processes left in the chroot: %v", pids)
	}
}

func TestMountRefusesSymlinkedMountPoint(t *testing.T) {
	root := miniRoot(t)
	if err := os.Symlink(t.TempDir(), filepath.Join(root, "proc")); err != nil {
		t.Fatal(err)
	}
	if err := Mount(root); err == nil || !strings.Contains(err.Error(), "symlink") {
		t.Fatalf("want a refusal to mount through a symlink, got %v", err)
	}
	if mounts, _ := MountsUnder(root); len(mounts) > 0 {
		t.Errorf("a failed Mount left mounts behind: %v", mounts)
	}
}
