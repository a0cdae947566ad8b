package seal_test

// Runs the real finalize script in a chroot of the cloud-like Debian 12
// rootfs (kernel, cloud-init, openssh-server, sudo) with planted leftovers,
// through the same communicator and runner the provisioner uses, and checks
// each cleanup step, the secret findings and the listing against an
// independent Go walk of the tree.

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/chroot"
	"github.com/imagesmith/packer-plugin-hardening/internal/e2e"
	"github.com/imagesmith/packer-plugin-hardening/internal/guest"
	"github.com/imagesmith/packer-plugin-hardening/internal/manifest"
	"github.com/imagesmith/packer-plugin-hardening/internal/seal"
)

const buildKey = "AAAAC3NzaC1lZDI1NTE5AAAAIBuildKeyBuildKeyBuildKeyBuildKeyBuildKey"
const otherKey = "AAAAC3NzaC1lZDI1NTE5AAAAIOtherKeyOtherKeyOtherKeyOtherKeyOtherKe"

func plant(t *testing.T, root, rel, data string, mode os.FileMode) {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, root string, opts seal.Options) *seal.Capture {
	t.Helper()
	body, err := seal.Script(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := chroot.Mount(root); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := e2e.Release(root); err != nil {
			t.Error(err)
		}
	}()
	var progress []string
	r := &guest.Runner{
		Comm:         &chroot.Communicator{Root: root},
		RemoteFolder: "/var/tmp",
		MaxResults:   seal.MaxOutputBytes,
		Progress:     func(l string) { progress = append(progress, l) },
		Command:      func(path, results string) string { return "sh '" + path + "' '" + results + "'" },
	}
	out, err := r.Run(context.Background(), guest.Script{Name: "finalize-test", Body: body})
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(progress, "\n"))
	}
	c, err := seal.Parse(out.Results)
	if err != nil {
		t.Fatalf("%v (exit %d)\n%s", err, out.ExitStatus, strings.Join(progress, "\n"))
	}
	if out.ExitStatus != 0 {
		t.Fatalf("exit status %d\n%s", out.ExitStatus, strings.Join(progress, "\n"))
	}
	if left, _ := filepath.Glob(filepath.Join(root, "var/tmp/finalize-test*")); len(left) > 0 {
		t.Errorf("left in the guest: %v", left)
	}
	return c
}

func TestScriptInCloudlikeRootfs(t *testing.T) {
	root := e2e.Unpack(t, e2e.CloudlikeTarball(t))

	plant(t, root, "home/admin/.ssh/authorized_keys", "ssh-ed25519 "+buildKey+" packer_temporary\nno-pty ssh-ed25519 "+otherKey+" ops@example\n", 0o600)
	plant(t, root, "root/.ssh/authorized_keys", "ssh-ed25519 "+buildKey+"\n", 0o600)
	if err := os.Chmod(filepath.Join(root, "home/admin"), 0o755); err != nil {
		t.Fatal(err)
	}
	skel, err := os.ReadFile(filepath.Join(root, "etc/skel/.bashrc"))
	if err != nil {
		t.Fatal(err)
	}
	plant(t, root, "home/admin/.bashrc", string(skel), 0o644)
	plant(t, root, "home/admin/notes.txt", "db host is 10.0.0.5\n", 0o644)
	plant(t, root, "home/admin/private/readable.txt", "in a closed directory\n", 0o644)
	if err := os.Chmod(filepath.Join(root, "home/admin/private"), 0o700); err != nil {
		t.Fatal(err)
	}
	plant(t, root, "home/admin/.aws/credentials", "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", 0o600)
	plant(t, root, "root/.ssh/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n", 0o600)
	plant(t, root, "opt/app/config.env", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", 0o600)
	plant(t, root, "home/admin/.netrc", "machine example.com login a password b\n", 0o600)
	plant(t, root, "root/.bash_history", "export TOKEN=secret\n", 0o600)
	plant(t, root, "home/admin/.lesshst", ".less-history-file:\n", 0o600)
	plant(t, root, "etc/machine-id", "0123456789abcdef0123456789abcdef\n", 0o444)
	plant(t, root, "var/log/planted.log", "a log line\n", 0o640)
	plant(t, root, "var/log/planted.log.1", "older\n", 0o640)
	plant(t, root, "var/log/planted.log.2.gz", "older still\n", 0o640)
	plant(t, root, "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease", "lists\n", 0o644)
	plant(t, root, "var/lib/cloud/instances/i-123/boot-finished", "done\n", 0o644)
	plant(t, root, "opt/odd name/new\nline\tand tab", "x", 0o644)
	plant(t, root, "etc/shadow-", "root:$y$old-hash:19000:0:99999:7:::\n", 0o640)
	plant(t, root, "var/tmp/leftover/file", "build\n", 0o644)
	hostKeys, _ := filepath.Glob(filepath.Join(root, "etc/ssh/ssh_host_*_key"))
	if len(hostKeys) == 0 {
		t.Fatal("the fixture has no SSH host keys to remove")
	}

	c := run(t, root, seal.Options{
		Generator: "test", Steps: seal.Steps, BuildKeys: []string{buildKey},
		ListingFormat: manifest.ListingFormat, RPMQueryFormat: "%{NAME}\\n",
	})

	status := map[string]string{}
	for _, s := range c.Cleanup {
		status[s.Step] = s.Status
		t.Logf("cleanup %s: %s: %s", s.Step, s.Status, s.Detail)
	}
	for _, s := range seal.Steps {
		if status[s] != "done" {
			t.Errorf("cleanup step %s: %q, want done", s, status[s])
		}
	}
	ak, _ := os.ReadFile(filepath.Join(root, "home/admin/.ssh/authorized_keys"))
	if strings.Contains(string(ak), buildKey) || !strings.Contains(string(ak), otherKey) {
		t.Errorf("admin's authorized_keys after cleanup:\n%s", ak)
	}
	if fi, err := os.Stat(filepath.Join(root, "home/admin/.ssh/authorized_keys")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("authorized_keys mode changed: %v %v", fi.Mode(), err)
	}
	if rk, _ := os.ReadFile(filepath.Join(root, "root/.ssh/authorized_keys")); strings.Contains(string(rk), buildKey) {
		t.Error("root's authorized_keys still has the build key")
	}
	if left, _ := filepath.Glob(filepath.Join(root, "etc/ssh/ssh_host_*")); len(left) > 0 {
		t.Errorf("host keys left: %v", left)
	}
	for _, gone := range []string{"etc/shadow-", "var/tmp/leftover", "root/.bash_history", "home/admin/.lesshst", "var/log/planted.log.1", "var/log/planted.log.2.gz",
		"var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease", "var/lib/cloud/instances/i-123"} {
		if _, err := os.Lstat(filepath.Join(root, gone)); err == nil {
			t.Errorf("/%s is still there", gone)
		}
	}
	for _, empty := range []string{"etc/machine-id", "var/log/planted.log"} {
		if fi, err := os.Stat(filepath.Join(root, empty)); err != nil || fi.Size() != 0 {
			t.Errorf("/%s: want an empty file (%v)", empty, err)
		}
	}

	want := []seal.Finding{
		{Rule: "aws-credentials", Path: "/home/admin/.aws/credentials"},
		{Rule: "netrc", Path: "/home/admin/.netrc"},
		{Rule: "world-readable-home", Path: "/home/admin/notes.txt"},
		{Rule: "aws-credentials", Path: "/opt/app/config.env"},
		{Rule: "private-key", Path: "/root/.ssh/id_ed25519"},
	}
	if !reflect.DeepEqual(c.Findings, want) {
		t.Errorf("findings:\n got %+v\nwant %+v", c.Findings, want)
	}

	if len(c.DpkgStatus) == 0 || !bytes.Contains(c.OSRelease, []byte("ID=debian")) || len(c.Licenses) == 0 {
		t.Errorf("package capture: %d bytes of dpkg status, os-release %q, %d bytes of licenses", len(c.DpkgStatus), c.OSRelease, len(c.Licenses))
	}
	status0, _ := os.ReadFile(filepath.Join(root, "var/lib/dpkg/status"))
	if !bytes.Equal(status0, c.DpkgStatus) {
		t.Error("the captured dpkg status differs from the rootfs's")
	}

	// The guest's listing and hashes must equal a Go walk of the same tree.
	list, err := manifest.ParseListing(c.Listing)
	if err != nil {
		t.Fatal(err)
	}
	hashes, err := manifest.ParseHashes(c.Hashes, c.HashZero)
	if err != nil {
		t.Fatal(err)
	}
	got, vanished, err := manifest.Build(list, hashes, false)
	if err != nil || len(vanished) > 0 {
		t.Fatalf("build manifest: %v (vanished %v; hash errors %v)", err, vanished, c.HashErrors)
	}
	ref, err := manifest.Walk(root, []string{"/proc", "/sys", "/dev", "/run"})
	if err != nil {
		t.Fatal(err)
	}
	if g, w := got.Encode(), ref.Encode(); !bytes.Equal(g, w) {
		diff, _ := exec.Command("sh", "-c", `diff "$0" "$1" | head -40`, write(t, g), write(t, w)).Output()
		t.Fatalf("guest manifest differs from a Go walk of the rootfs:\n%s", diff)
	}
	if !strings.Contains(string(got.Encode()), `/opt/odd\x20name/new\x0aline\x09and\x20tab`) {
		t.Error("the file with a newline in its name is missing")
	}
	st := got.Stats()
	t.Logf("manifest: %+v, %d hashing jobs (%s), phases %v", st, c.Jobs, map[bool]string{true: "-z", false: "lines"}[c.HashZero], c.PhasesMS)
	if st.Files < 10000 {
		t.Errorf("only %d files listed", st.Files)
	}
	for _, p := range []string{"/proc", "/sys", "/dev", "/run"} {
		found := false
		for _, q := range c.Pruned {
			found = found || q == p
		}
		if !found {
			t.Errorf("%s not reported as pruned: %v", p, c.Pruned)
		}
	}
}

func write(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "m")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
