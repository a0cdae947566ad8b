package rootfs_test

// End-to-end tests: real Packer, the real plugin binary, a real bootstrap and
// a real chroot. They run when HARDENING_E2E=1 or PACKER_ACC=1 (make test sets
// the former) and need Linux, root, packer and mmdebstrap.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"archive/tar"

	"github.com/imagesmith/packer-plugin-hardening/internal/e2e"
)

var (
	baseOnce    sync.Once
	baseTarball string
	baseErr     error

	// tempDirs outlive single tests (the shared base tarball); TestMain
	// removes them.
	tempDirs []string
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range tempDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// requireE2E skips unless e2e tests are enabled, installs this plugin into
// the shared private plugin directory and returns the packer binary.
func requireE2E(t *testing.T) string {
	t.Helper()
	packer := e2e.Packer(t)
	e2e.PluginDir(t)
	return packer
}

// packerBuild writes template into a fresh directory and returns a command
// that builds it with the test's plugin.
func packerBuild(t *testing.T, packer, template string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "build.pkr.hcl"), []byte(template), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(packer, "build", "-color=false", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PACKER_PLUGIN_PATH="+e2e.PluginDir(t), "CHECKPOINT_DISABLE=1", "PACKER_LOG=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// bootstrapSource is the source block of a real Debian 12 minbase bootstrap.
const bootstrapSource = `bootstrap {
    suite   = "bookworm"
    variant = "minbase"
  }`

// template is a build of one hardening-rootfs source (HCL lines given by
// source) with one inline shell provisioner.
func template(source, out, tmp, inline string) string {
	return fmt.Sprintf(`
source "hardening-rootfs" "t" {
  %s
  source_date_epoch = 1735689600
  output_directory  = %q
  temp_directory    = %q
}
build {
  sources = ["source.hardening-rootfs.t"]
  provisioner "shell" {
    inline = [%s]
  }
}
`, source, out, tmp, inline)
}

// assertNoLeftovers checks that nothing is mounted below tmp, no work
// directory remains and no process runs from it.
func assertNoLeftovers(t *testing.T, tmp string) {
	t.Helper()
	mountinfo, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(mountinfo), "\n") {
		if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], tmp) {
			t.Errorf("mount left behind: %s", f[4])
		}
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "packer-hardening-rootfs-*")); len(left) > 0 {
		t.Errorf("work directory left behind: %v", left)
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/root")
	for _, p := range procs {
		if target, err := os.Readlink(p); err == nil && strings.HasPrefix(target, tmp) {
			t.Errorf("process %s still runs in %s", p, target)
		}
	}
}

// unmountBelow detaches anything a failed test left mounted below dir, so the
// test's temporary-directory cleanup never deletes through a mount.
func unmountBelow(dir string) { _ = e2e.Release(dir) }

func sha256File(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func tarMember(t *testing.T, path, name string) (string, bool) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(bufio.NewReader(f))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return "", false
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Name == name {
			b, _ := io.ReadAll(tr)
			return string(b), true
		}
	}
}

func buildBootstrap(t *testing.T, packer, out string) {
	t.Helper()
	tmp := t.TempDir()
	t.Cleanup(func() { unmountBelow(tmp) })
	cmd, log := packerBuild(t, packer, template(bootstrapSource, out, tmp, `"echo provisioned-by-e2e > /etc/e2e-marker", "mkdir -p /run/e2e && echo run > /run/e2e/x"`))
	if err := cmd.Run(); err != nil {
		t.Fatalf("packer build: %v\n%s", err, log)
	}
	assertNoLeftovers(t, tmp)
}

func TestE2EBootstrapIsReproducibleAndProvisioned(t *testing.T) {
	packer := requireE2E(t)
	outA, outB := t.TempDir(), t.TempDir()
	buildBootstrap(t, packer, outA)
	buildBootstrap(t, packer, outB)

	tarA, tarB := filepath.Join(outA, "rootfs.tar"), filepath.Join(outB, "rootfs.tar")
	marker, ok := tarMember(t, tarA, "./etc/e2e-marker")
	if !ok || marker != "provisioned-by-e2e\n" {
		t.Errorf("shell provisioner's /etc/e2e-marker: got %q (present %v)", marker, ok)
	}
	if _, ok := tarMember(t, tarA, "./run/e2e/x"); ok {
		t.Error("a file written to the build-time tmpfs /run ended up in the tarball")
	}
	for _, gone := range []string{"./etc/resolv.conf", "./etc/hostname", "./usr/sbin/policy-rc.d"} {
		if _, ok := tarMember(t, tarA, gone); ok {
			t.Errorf("%s must not be in the tarball", gone)
		}
	}
	sumA, sumB := sha256File(t, tarA), sha256File(t, tarB)
	if sumA != sumB {
		t.Errorf("two builds of the same template differ: %s vs %s", sumA, sumB)
	}
	checksum, err := os.ReadFile(tarA + ".sha256")
	if err != nil || string(checksum) != sumA+"  rootfs.tar\n" {
		t.Errorf("checksum file: got %q, want %q", checksum, sumA+"  rootfs.tar\n")
	}
	// Keep one result for the tests that only need a real root filesystem.
	baseOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hardening-e2e-base-")
		if err != nil {
			baseErr = err
			return
		}
		tempDirs = append(tempDirs, dir)
		baseTarball = filepath.Join(dir, "rootfs.tar")
		baseErr = os.Rename(tarA, baseTarball)
	})
}

// base returns a tarball from a real bootstrap for tests that only need some
// real root filesystem to start from.
func base(t *testing.T, packer string) string {
	t.Helper()
	baseOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hardening-e2e-base-")
		if err != nil {
			baseErr = err
			return
		}
		tempDirs = append(tempDirs, dir)
		buildBootstrap(t, packer, dir)
		baseTarball = filepath.Join(dir, "rootfs.tar")
	})
	if baseErr != nil {
		t.Fatal(baseErr)
	}
	return baseTarball
}

func TestE2EFailingProvisionerFailsTheBuildAndUnmounts(t *testing.T) {
	packer := requireE2E(t)
	src := base(t, packer)
	out, tmp := t.TempDir(), t.TempDir()
	t.Cleanup(func() { unmountBelow(tmp) })
	cmd, log := packerBuild(t, packer, template(fmt.Sprintf("source_tarball = %q", src), out, tmp, `"echo about to fail", "exit 3"`))
	err := cmd.Run()
	if err == nil {
		t.Fatalf("packer build succeeded with a failing provisioner:\n%s", log)
	}
	if !strings.Contains(log.String(), "exit status 3") && !strings.Contains(log.String(), "non-zero exit status") {
		t.Errorf("build output does not report the provisioner's failure:\n%s", log)
	}
	assertNoLeftovers(t, tmp)
	if entries, _ := os.ReadDir(out); len(entries) > 0 {
		t.Errorf("a failed build left files in the output directory: %v", entries)
	}
}

func TestE2EInterruptDuringProvisionerUnmounts(t *testing.T) {
	packer := requireE2E(t)
	src := base(t, packer)
	out, tmp := t.TempDir(), t.TempDir()
	cmd, log := packerBuild(t, packer, template(fmt.Sprintf("source_tarball = %q", src), out, tmp, `"touch /provisioner-started", "sleep 600"`))
	// Ctrl-C in a terminal signals the whole foreground process group; Packer's
	// outer process leaves SIGINT to the inner one, so signal the group too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	t.Cleanup(func() { unmountBelow(tmp) })
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Wait until the provisioner runs inside the chroot.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for {
		if m, _ := filepath.Glob(filepath.Join(tmp, "packer-hardening-rootfs-*", "root", "provisioner-started")); len(m) > 0 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("packer exited (%v) before the provisioner started:\n%s", err, log)
		case <-ctx.Done():
			_ = cmd.Process.Kill()
			t.Fatalf("provisioner did not start:\n%s", log)
		case <-time.After(200 * time.Millisecond):
		}
	}
	start := time.Now()
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("interrupted build exited 0:\n%s", log)
		}
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("packer did not stop within 2 minutes of SIGINT:\n%s", log)
	}
	t.Logf("packer stopped %s after SIGINT", time.Since(start).Round(time.Millisecond))
	assertNoLeftovers(t, tmp)
	if entries, _ := os.ReadDir(out); len(entries) > 0 {
		t.Errorf("an interrupted build left files in the output directory: %v", entries)
	}
}
