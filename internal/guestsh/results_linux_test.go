package guestsh_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/e2e"
	"github.com/imagesmith/packer-plugin-hardening/internal/guestsh"
)

// buildUID stands in for the cloud's default user who runs the script
// through sudo and downloads its results.
const buildUID = 65534

// script uses the protocol as the generated scripts do: open, append from
// several processes, publish at exit.
const script = `set -eu
g_results_open "$1"
trap g_results_publish EXIT
printf 'one\n' >> "$G_RESULTS_PART"
sh -c 'printf "two\n" >> "$1"' sh "$G_RESULTS_PART"
printf 'three\n' >> "$G_RESULTS_PART"
`

// legacy is the protocol of the finalize script before the fix: hand the
// file to the build user first, then append as root.
const legacy = `set -eu
: > "$1"
[ -n "${SUDO_UID:-}" ] && chown "$SUDO_UID" "$1"
printf 'one\n' >> "$1"
`

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: runs scripts as root for another user and changes fs.protected_regular")
	}
}

// run runs body with the library as root, as sudo would for buildUID when
// sudo is true; it returns the combined output.
func run(t *testing.T, body, results string, sudo bool) (string, error) {
	t.Helper()
	cmd := exec.Command("sh", "-c", guestsh.Lib+body, "sh", results)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	if sudo {
		cmd.Env = append(cmd.Env, fmt.Sprintf("SUDO_UID=%d", buildUID), fmt.Sprintf("SUDO_GID=%d", buildUID))
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// asUser runs argv as uid (what the build user's download and cleanup do).
func asUser(uid int, argv ...string) ([]byte, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid)}}
	return cmd.CombinedOutput()
}

// folders returns the remote folders a user may configure: a sticky
// world-writable one like /var/tmp, and one the build user owns.
func folders(t *testing.T) map[string]string {
	t.Helper()
	// Not t.TempDir: its parent is private to root, and the build user
	// must reach the folder.
	base, err := os.MkdirTemp("", "guestsh-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	sticky := filepath.Join(base, "sticky")
	owned := filepath.Join(base, "owned")
	for _, d := range []string{sticky, owned} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(sticky, os.ModeSticky|0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(owned, buildUID, buildUID); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"sticky world-writable": sticky, "owned by the build user": owned}
}

func TestResultsUnderProtectedRegular(t *testing.T) {
	requireRoot(t)
	for _, level := range []string{"0", "1", "2"} {
		t.Run("protected_regular="+level, func(t *testing.T) { testResultsAt(t, level) })
	}
}

func testResultsAt(t *testing.T, level string) {
	e2e.SetSysctls(t, map[string]string{"fs.protected_regular": level})
	for name, dir := range folders(t) {
		for _, sudo := range []bool{false, true} {
			as := map[bool]string{false: "root", true: "sudo"}[sudo]
			t.Run(name+"/"+as, func(t *testing.T) {
				results := filepath.Join(dir, "packer-test-"+as+".out")
				if out, err := run(t, script, results, sudo); err != nil {
					t.Fatalf("script failed: %v\n%s", err, out)
				}
				reader := 0
				if sudo {
					reader = buildUID
				}
				got, err := asUser(reader, "cat", results)
				if err != nil || string(got) != "one\ntwo\nthree\n" {
					t.Fatalf("the %s user reads %q (%v), want three lines", as, got, err)
				}
				if out, err := asUser(reader, "rm", "-f", results); err != nil {
					t.Fatalf("the %s user cannot remove the results: %v\n%s", as, err, out)
				}
				left, _ := filepath.Glob(results + "*")
				if len(left) > 0 {
					t.Errorf("files left behind: %v", left)
				}
			})
		}
	}
	// The old protocol fails exactly where booted guests fail, which
	// shows this test reproduces their kernel.
	t.Run("legacy protocol", func(t *testing.T) {
		results := filepath.Join(folders(t)["sticky world-writable"], "legacy.out")
		out, err := run(t, legacy, results, true)
		if (err != nil) != (level != "0") {
			t.Errorf("legacy protocol under protected_regular=%s: err %v, want an error only when it is set\n%s", level, err, out)
		}
	})
}

func TestResultsDoNotFollowAPlantedSymlink(t *testing.T) {
	requireRoot(t)
	dir := folders(t)["sticky world-writable"]
	victim := filepath.Join(t.TempDir(), "shadow")
	if err := os.WriteFile(victim, []byte("root:secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	results := filepath.Join(dir, "planted.out")
	if err := os.Symlink(victim, results); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, script, results, true); err != nil {
		t.Fatalf("script failed: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(victim); string(b) != "root:secret\n" {
		t.Errorf("the symlink's target was written: %q", b)
	}
	fi, err := os.Lstat(results)
	if err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("results %s: want a regular file, got %v (%v)", results, fi, err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != buildUID {
		t.Errorf("results owned by uid %d, want the build user %d", st.Uid, buildUID)
	}
}

func TestPublishIsANoOpWithoutOpen(t *testing.T) {
	out, err := exec.Command("sh", "-c", guestsh.Lib+"g_results_publish && g_results_publish && echo ok").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Errorf("publish without open: %v %q", err, out)
	}
}
