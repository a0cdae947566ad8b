package shlint

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestShellFiles runs shellcheck (warnings and errors) over every .sh file of
// the module outside the CIS catalogue and its generated golden scripts. A
// file without a #! line is a fragment the plugin runs with sh.
func TestShellFiles(t *testing.T) {
	if _, err := exec.LookPath("shellcheck"); err != nil {
		t.Fatal("shellcheck is not installed: run scripts/tools.sh (Debian package shellcheck)")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	// The project's files: tracked or new, never build output or ignored.
	cmd := exec.Command("git", "ls-files", "--cached", "--others", "--exclude-standard", "*.sh")
	cmd.Dir = root
	list, err := cmd.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	var files []string
	for _, f := range strings.Fields(string(list)) {
		if strings.HasPrefix(f, "internal/cis/catalogue/") || strings.HasPrefix(f, "internal/cis/testdata/") {
			continue
		}
		if _, err := os.Stat(filepath.Join(root, f)); err == nil {
			files = append(files, f)
		}
	}
	if len(files) < 10 {
		t.Fatalf("found only %d shell files under %s: %v", len(files), root, files)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		args := []string{"-S", "warning", "-f", "gcc"}
		if !bytes.HasPrefix(b, []byte("#!")) {
			args = append(args, "-s", "sh")
		}
		cmd := exec.Command("shellcheck", append(args, f)...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("shellcheck %s: %v\n%s", f, err, out)
		}
	}
	t.Logf("%d shell files clean", len(files))
}
