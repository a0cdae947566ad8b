package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/chroot"
)

var (
	pluginOnce sync.Once
	pluginDir  string
	pluginErr  error

	cloudOnce    sync.Once
	cloudTarball string
	cloudErr     error
)

// Packer skips the test unless HARDENING_E2E or PACKER_ACC is set, requires
// root, and returns the packer binary (PATH, then the tools cache).
func Packer(t testing.TB) string {
	t.Helper()
	if os.Getenv("HARDENING_E2E") == "" && os.Getenv("PACKER_ACC") == "" {
		t.Skip("end-to-end test: set HARDENING_E2E=1 (make test does)")
	}
	if os.Geteuid() != 0 {
		t.Fatal("end-to-end tests need root (chroot, mounts)")
	}
	if p, err := exec.LookPath("packer"); err == nil {
		return p
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatalf("find the tools cache: %v", err)
	}
	p := filepath.Join(cache, "packer-plugin-hardening", "bin", "packer")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("packer not found on PATH or at %s: run scripts/tools.sh", p)
	}
	return p
}

// ModuleRoot is the directory of the go.mod at or above the working
// directory (go test runs in the package's directory).
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("working directory: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod at or above the working directory")
		}
		dir = parent
	}
}

// pluginDirPrefix names the per-process plugin directories; the PID in the
// name lets a later process remove the directories of dead ones, since a
// package imported by tests has no TestMain to clean up at exit.
const pluginDirPrefix = "hardening-e2e-plugins-"

// PluginDir builds the plugin once per process and installs it, as a user
// would with `packer plugins install --path`, into a private plugin path,
// which it returns (for PACKER_PLUGIN_PATH).
func PluginDir(t testing.TB) string {
	t.Helper()
	packer := Packer(t)
	root := ModuleRoot(t)
	pluginOnce.Do(func() { pluginDir, pluginErr = installPlugin(packer, root) })
	if pluginErr != nil {
		t.Fatal(pluginErr)
	}
	return pluginDir
}

// PluginBinary is the installed plugin binary, for its verify command.
func PluginBinary(t testing.TB) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(PluginDir(t), "github.com", "imagesmith", "hardening", "packer-plugin-hardening_v*"))
	for _, p := range m {
		if !strings.HasSuffix(p, "_SHA256SUM") {
			return p
		}
	}
	t.Fatalf("no installed plugin binary in %s", PluginDir(t))
	return ""
}

func installPlugin(packer, moduleRoot string) (string, error) {
	removeStalePluginDirs()
	dir, err := os.MkdirTemp("", pluginDirPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return "", fmt.Errorf("plugin directory: %w", err)
	}
	bin := filepath.Join(dir, "packer-plugin-hardening")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = moduleRoot
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build plugin in %s: %w\n%s", moduleRoot, err, out)
	}
	plugins := filepath.Join(dir, "plugins")
	install := exec.Command(packer, "plugins", "install", "--path", bin, "github.com/imagesmith/hardening")
	install.Env = append(os.Environ(), "PACKER_PLUGIN_PATH="+plugins, "CHECKPOINT_DISABLE=1")
	if out, err := install.CombinedOutput(); err != nil {
		return "", fmt.Errorf("packer plugins install: %w\n%s", err, out)
	}
	// Packer installed a copy; the build output is ~45 MB of waste.
	if err := os.Remove(bin); err != nil {
		return "", fmt.Errorf("remove built plugin: %w", err)
	}
	return plugins, nil
}

// removeStalePluginDirs removes plugin directories of processes that no
// longer run. A live process's directory is never touched.
func removeStalePluginDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), pluginDirPrefix+"*-*"))
	for _, d := range dirs {
		pidText, _, _ := strings.Cut(strings.TrimPrefix(filepath.Base(d), pluginDirPrefix), "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid <= 0 || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			_ = os.RemoveAll(d)
		}
	}
}

// packerCommand prepares `packer <args> .` in a fresh directory holding
// template as build.pkr.hcl.
func packerCommand(t testing.TB, template string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	packer, plugins := Packer(t), PluginDir(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "build.pkr.hcl"), []byte(template), 0o644); err != nil {
		t.Fatalf("write template: %v", err)
	}
	cmd := exec.Command(packer, append(args, ".")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PACKER_PLUGIN_PATH="+plugins, "CHECKPOINT_DISABLE=1", "PACKER_LOG=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// Build runs `packer build -color=false` of template with the given
// variables and returns its combined output.
func Build(t testing.TB, template string, vars map[string]string) (string, error) {
	t.Helper()
	args := []string{"build", "-color=false"}
	for k, v := range vars {
		args = append(args, "-var", k+"="+v)
	}
	cmd, out := packerCommand(t, template, args...)
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("packer build: %w", err)
	}
	return out.String(), nil
}

// Init runs `packer init` of template, installing the plugins it requires
// next to this one (acceptance tests use the cloud builders).
func Init(t testing.TB, template string) (string, error) {
	t.Helper()
	cmd, out := packerCommand(t, template, "init")
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("packer init: %w", err)
	}
	return out.String(), nil
}

// Validate runs `packer validate` of template and returns its output.
func Validate(t testing.TB, template string) (string, error) {
	t.Helper()
	cmd, out := packerCommand(t, template, "validate")
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("packer validate: %w", err)
	}
	return out.String(), nil
}

// CloudlikeTarball returns the cloud-like Debian 12 rootfs tarball, which
// scripts/cloudlike-rootfs.sh builds (about two minutes) or takes from its
// cache. The script runs once per process.
func CloudlikeTarball(t testing.TB) string {
	t.Helper()
	Packer(t)
	root := ModuleRoot(t)
	cloudOnce.Do(func() {
		cmd := exec.Command("bash", filepath.Join(root, "scripts", "cloudlike-rootfs.sh"))
		cmd.Dir = root
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			cloudErr = fmt.Errorf("scripts/cloudlike-rootfs.sh: %w\n%s", err, stderr.String())
			return
		}
		cloudTarball = strings.TrimSpace(string(out))
	})
	if cloudErr != nil {
		t.Fatal(cloudErr)
	}
	return cloudTarball
}

// Unpack unpacks tarball into a fresh directory under os.TempDir(). Its
// cleanup first kills what runs there and unmounts everything below it, and
// removes the directory only when nothing is mounted below it any more, so
// nothing is ever deleted through a mount.
func Unpack(t testing.TB, tarball string) string {
	t.Helper()
	tmp, err := os.MkdirTemp("", "hardening-e2e-rootfs-")
	if err != nil {
		t.Fatalf("rootfs directory: %v", err)
	}
	// The kernel reports canonical paths in mountinfo and /proc/PID/root.
	dir, err := filepath.EvalSymlinks(tmp)
	if err != nil {
		t.Fatalf("rootfs directory: %v", err)
	}
	t.Cleanup(func() {
		if err := Release(dir); err != nil {
			t.Errorf("release %s: %v", dir, err)
		}
		if m := MountsBelow(dir); len(m) > 0 {
			t.Errorf("not removing %s: still mounted below it: %v", dir, m)
			return
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("remove unpacked rootfs: %v", err)
		}
	})
	out, err := exec.Command("tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-xpf", tarball, "-C", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("unpack %s: %v\n%s", tarball, err, out)
	}
	return dir
}

// Release kills the processes running in root and unmounts everything at or
// below it; whatever will not unmount is detached.
func Release(root string) error {
	var errs []error
	if err := chroot.KillProcesses(root); err != nil {
		errs = append(errs, err)
	}
	if err := chroot.Unmount(root); err != nil {
		errs = append(errs, err)
	}
	for _, m := range MountsBelow(root) {
		if err := syscall.Unmount(m, syscall.MNT_DETACH); err != nil {
			errs = append(errs, fmt.Errorf("detach %s: %w", m, err))
		}
	}
	return errors.Join(errs...)
}

// MountsBelow lists the mount points at or below dir, deepest first.
func MountsBelow(dir string) []string {
	mounts, err := chroot.MountsUnder(dir)
	if err != nil {
		// Unknown is not empty: report the directory itself so callers
		// keep it rather than delete through a mount they cannot see.
		return []string{dir}
	}
	return mounts
}

// ProcessesIn lists the PIDs whose root directory is at or below dir.
func ProcessesIn(dir string) []string {
	procs, _ := filepath.Glob("/proc/[0-9]*/root")
	var out []string
	for _, p := range procs {
		if target, err := os.Readlink(p); err == nil && (target == dir || strings.HasPrefix(target, dir+"/")) {
			out = append(out, filepath.Base(filepath.Dir(p)))
		}
	}
	return out
}

// AssertNoLeftovers reports a test error for every mount and process left
// at or below dir.
func AssertNoLeftovers(t testing.TB, dir string) {
	t.Helper()
	if m := MountsBelow(dir); len(m) > 0 {
		t.Errorf("mounts left below %s: %v", dir, m)
	}
	if p := ProcessesIn(dir); len(p) > 0 {
		t.Errorf("processes left running in %s: %v", dir, p)
	}
}
