package cis

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/chroot"
	"github.com/imagesmith/packer-plugin-hardening/internal/e2e"
)

// TestRulesInChroot runs every rule test case in the cloud-like Debian 12
// rootfs: each case in a fresh overlay of the unpacked rootfs (so cases never
// see each other's changes), one chroot and one shell per case, with the
// whole catalogue's library loaded. A fail case must make the check fail,
// the fix succeed and the check pass afterwards; a pass case must pass
// untouched. Cases whose remediation installs packages need the network:
// they run only with HARDENING_RULETEST_NETWORK=1.
func TestRulesInChroot(t *testing.T) {
	if os.Getenv("HARDENING_E2E") == "" || os.Geteuid() != 0 {
		t.Skip("needs HARDENING_E2E=1 and root (mounts overlays and chroots)")
	}
	cat := mustLoad(t)
	cases := ruleCases(t, cat)
	if only := os.Getenv("HARDENING_RULETEST_ONLY"); only != "" {
		re := regexp.MustCompile(only)
		var keep []ruleCase
		for _, c := range cases {
			if re.MatchString(c.Rule) {
				keep = append(keep, c)
			}
		}
		cases = keep
	}
	network := os.Getenv("HARDENING_RULETEST_NETWORK") != ""
	lower := e2e.Unpack(t, e2e.CloudlikeTarball(t))
	plan := allRulesPlan(t, cat, "none")
	lib := strings.TrimSuffix(string(Script(cat, plan)), "h_main \"$@\"\n")
	start := time.Now()
	var ran, skipped int
	for _, c := range cases {
		ctl, _ := cat.Control(c.Rule)
		out := runCase(t, lower, lib, ctl, c, network)
		got := map[string]string{}
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) == 2 && strings.HasPrefix(f[0], "RT_") {
				got[f[0]] = f[1]
			}
		}
		switch got["RT_SKIP"] {
		case "":
		case "network":
			skipped++
			t.Logf("%s %s: skipped, it installs packages (HARDENING_RULETEST_NETWORK=1 runs it)", c.Rule, c.Name)
			continue
		default:
			skipped++
			t.Logf("%s %s: skipped: %s", c.Rule, c.Name, got["RT_SKIP"])
			continue
		}
		ran++
		var bad []string
		if got["RT_PREP"] != "0" {
			bad = append(bad, "preparing the case failed")
		} else if !c.Fail {
			if got["RT_BEFORE"] != "0" {
				bad = append(bad, fmt.Sprintf("check returned %s, want 0 (pass)", got["RT_BEFORE"]))
			}
		} else {
			if got["RT_BEFORE"] != "1" {
				bad = append(bad, fmt.Sprintf("check returned %s on the prepared state, want 1 (fail)", got["RT_BEFORE"]))
			}
			if ctl.Remediable() {
				if got["RT_FIX"] != "0" {
					bad = append(bad, fmt.Sprintf("remediation returned %s", got["RT_FIX"]))
				}
				if got["RT_AFTER"] != "0" {
					bad = append(bad, fmt.Sprintf("check returned %s after the remediation, want 0", got["RT_AFTER"]))
				}
			}
		}
		if len(bad) > 0 {
			t.Errorf("%s %s: %s\n%s", c.Rule, c.Name, strings.Join(bad, "; "), out)
		}
	}
	t.Logf("%d rule test cases ran in %s (%d skipped: they need the network, or a package the distribution lacks)", ran, time.Since(start).Round(time.Second), skipped)
}

// runCase runs one case in a fresh overlay of lower and returns its output.
func runCase(t *testing.T, lower, lib string, ctl *Control, c ruleCase, network bool) string {
	t.Helper()
	tmp := t.TempDir()
	upper, work, merged := filepath.Join(tmp, "upper"), filepath.Join(tmp, "work"), filepath.Join(tmp, "merged")
	for _, d := range []string{upper, work, merged} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mount("overlay", merged, "overlay", 0, "lowerdir="+lower+",upperdir="+upper+",workdir="+work); err != nil {
		t.Fatalf("mount an overlay of the rootfs: %v", err)
	}
	defer func() {
		if err := e2e.Release(merged); err != nil {
			t.Errorf("release %s: %v", merged, err)
		}
		if m := e2e.MountsBelow(tmp); len(m) > 0 {
			t.Fatalf("still mounted below %s: %v", tmp, m)
		}
	}()
	if err := chroot.Mount(merged); err != nil {
		t.Fatal(err)
	}
	// Name resolution for the package manager, as cis-try does (only in
	// this case's overlay).
	if resolv := filepath.Join(merged, "etc/resolv.conf"); network {
		if _, err := os.Lstat(resolv); os.IsNotExist(err) {
			if b, err := os.ReadFile("/etc/resolv.conf"); err == nil {
				_ = os.WriteFile(resolv, b, 0o644)
			}
		}
	}
	var b strings.Builder
	b.WriteString(lib)
	b.WriteString("\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C\nexport PATH LC_ALL\n")
	b.WriteString("H_WORK=$(mktemp -d) H_RESULTS=/dev/null H_CHROOT=1 H_CLOUD=none\nh_detect_os\nh_apply_cloud\n")
	b.WriteString(c.varLines())
	// The case runs in this shell (it may choose parameters, like
	// P_log_logger=journald), stopping at its first failing command.
	fmt.Fprintf(&b, "RT_NETWORK=%s\n", map[bool]string{true: "1", false: "0"}[network])
	b.WriteString("exec 3>&1\nrt_needs_network() { [ \"$RT_NETWORK\" = 1 ] || { echo 'RT_SKIP network' >&3; exit 0; }; }\n")
	fmt.Fprintf(&b, "rt_prepare() {\n%s\n}\ntrap 'sed \"s/^/prepare: /\" \"$H_WORK/prep\"' EXIT\nset -e\nrt_prepare >\"$H_WORK/prep\" 2>&1\nset +e\ntrap - EXIT\necho 'RT_PREP 0'\n", c.Prepare)
	fmt.Fprintf(&b, "h_check %s before\necho \"RT_BEFORE $H_RC\"\nsed 's/^/check: /' \"$H_WORK/before.%s\"\n", ctl.Rule, ctl.Rule)
	if c.Fail && ctl.Remediable() {
		// The package step as h_packages does it, for this rule alone;
		// installing needs the network.
		if ctl.Install != "" {
			fmt.Fprintf(&b, "for _p in $(inst_%s); do plat_pkg_is_installed \"$_p\" || rt_needs_network; done\n", ctl.Rule)
		}
		fmt.Fprintf(&b, "B_%[1]s=1 X_%[1]s=r H_RULES=%[1]s\nh_packages\n", ctl.Rule)
		if ctl.Fix != "" {
			fmt.Fprintf(&b, "( set -e; fix_%s ) >\"$H_WORK/fix\" 2>&1\necho \"RT_FIX $?\"\nsed 's/^/fix: /' \"$H_WORK/fix\"\n", ctl.Rule)
		} else {
			b.WriteString("echo 'RT_FIX 0'\n")
		}
		fmt.Fprintf(&b, "h_check %s after\necho \"RT_AFTER $H_RC\"\nsed 's/^/check after: /' \"$H_WORK/after.%s\"\n", ctl.Rule, ctl.Rule)
	}
	cmd := exec.Command("chroot", merged, "/bin/sh", "-s")
	cmd.Stdin = strings.NewReader(b.String())
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LC_ALL=C"}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(5 * time.Minute):
		_ = cmd.Process.Kill()
		<-done
		t.Errorf("%s %s: timed out", c.Rule, c.Name)
	}
	return out.String()
}
