package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
		t.Fatal("end-to-end tests need root")
	}
	if p, err := exec.LookPath("packer"); err == nil {
		return p
	}
	cache, _ := os.UserCacheDir()
	p := filepath.Join(cache, "packer-plugin-hardening", "bin", "packer")
	if _, err := os.Stat(p); err != nil {
		t.Fatal("packer not found on PATH or in the tools cache: run scripts/tools.sh")
	}
	return p
}

// ModuleRoot is the directory of go.mod above the working directory.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// PluginDir builds the plugin once per process and installs it, as a user
// would with `packer plugins install --path`, into a private plugin path.
func PluginDir(t testing.TB) string {
	t.Helper()
	packer := Packer(t)
	root := ModuleRoot(t)
	pluginOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hardening-e2e-plugins-")
		if err != nil {
			pluginErr = err
			return
		}
		bin := filepath.Join(dir, "packer-plugin-hardening")
		build := exec.Command("go", "build", "-o", bin, ".")
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			pluginErr = fmt.Errorf("build plugin: %v\n%s", err, out)
			return
		}
		install := exec.Command(packer, "plugins", "install", "--path", bin, "github.com/imagesmith/hardening")
		install.Env = append(os.Environ(), "PACKER_PLUGIN_PATH="+filepath.Join(dir, "plugins"))
		if out, err := install.CombinedOutput(); err != nil {
			pluginErr = fmt.Errorf("install plugin: %v\n%s", err, out)
			return
		}
		pluginDir = filepath.Join(dir, "plugins")
	})
	if pluginErr != nil {
		t.Fatal(pluginErr)
	}
	return pluginDir
}

// packerCommand prepares `packer <args> .` in a fresh directory holding
// template as build.pkr.hcl.
func packerCommand(t testing.TB, template string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	packer, plugins := Packer(t), PluginDir(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "build.pkr.hcl"), []byte(template), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(packer, append(args, ".")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PACKER_PLUGIN_PATH="+plugins, "CHECKPOINT_DISABLE=1", "PACKER_LOG=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// Build runs `packer build` of template with the given variables and
// returns its combined output.
func Build(t testing.TB, template string, vars map[string]string) (string, error) {
	t.Helper()
	args := []string{"build", "-color=false"}
	for k, v := range vars {
		args = append(args, "-var", k+"="+v)
	}
	cmd, out := packerCommand(t, template, args...)
	err := cmd.Run()
	return out.String(), err
}

// Validate runs `packer validate` of template.
func Validate(t testing.TB, template string) (string, error) {
	t.Helper()
	cmd, out := packerCommand(t, template, "validate")
	err := cmd.Run()
	return out.String(), err
}

// CloudlikeTarball returns the cloud-like Debian 12 rootfs tarball
// (scripts/cloudlike-rootfs.sh builds and caches it).
func CloudlikeTarball(t testing.TB) string {
	t.Helper()
	Packer(t)
	root := ModuleRoot(t)
	cloudOnce.Do(func() {
		cmd := exec.Command("bash", filepath.Join(root, "scripts", "cloudlike-rootfs.sh"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			cloudErr = fmt.Errorf("cloudlike-rootfs.sh: %v\n%s", err, stderr.String())
			return
		}
		cloudTarball = strings.TrimSpace(string(out))
	})
	if cloudErr != nil {
		t.Fatal(cloudErr)
	}
	return cloudTarball
}

// Unpack unpacks tarball into a fresh directory. Its cleanup kills what
// runs there and unmounts everything below it before the directory is
// removed, so nothing is ever deleted through a mount.
func Unpack(t testing.TB, tarball string) string {
	t.Helper()
	dir := t.TempDir()
	t.Cleanup(func() { Release(dir) })
	out, err := exec.Command("tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-xpf", tarball, "-C", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("unpack %s: %v\n%s", tarball, err, out)
	}
	return dir
}

// Release kills the processes running in root and unmounts everything
// below it.
func Release(root string) {
	_ = chroot.KillProcesses(root)
	_ = chroot.Unmount(root)
	for _, m := range MountsBelow(root) {
		_ = syscall.Unmount(m, syscall.MNT_DETACH)
	}
}

// MountsBelow lists mount points at or below dir, deepest last.
func MountsBelow(dir string) []string {
	b, _ := os.ReadFile("/proc/self/mountinfo")
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 4 && (f[4] == dir || strings.HasPrefix(f[4], dir+"/")) {
			out = append([]string{f[4]}, out...)
		}
	}
	return out
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
