package cis

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
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
// they run only with HARDENING_RULETEST_NETWORK=1, share one apt download
// cache, and the packages a rule's cases name with rt_packages are
// installed once, in a layer stacked below each of those cases' overlays.
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
	var apt *aptCache
	if network {
		apt = newAptCache(t)
	}
	plan := allRulesPlan(t, cat, "none")
	lib := strings.TrimSuffix(string(Script(cat, plan)), "h_main \"$@\"\n")
	start := time.Now()
	var ran, skipped int
	layers := map[string]string{}
	for _, c := range cases {
		ctl, _ := cat.Control(c.Rule)
		lowers := lower
		if pk := c.packages(); pk != "" && apt != nil {
			if layers[pk] == "" {
				layers[pk] = buildLayer(t, lower, lib, pk, apt)
			}
			lowers = layers[pk] + ":" + lower
		}
		out := runCase(t, lowers, lib, ctl, c, apt)
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

// overlay mounts a fresh overlay of lowers (overlayfs's list, top layer
// first) with the chroot's pseudo filesystems and, when apt is set, the apt
// cache and the host's name resolution. release kills what runs there and
// unmounts it all.
func overlay(t *testing.T, lowers string, apt *aptCache) (merged, upper string, release func()) {
	t.Helper()
	tmp := t.TempDir()
	upper, work, merged := filepath.Join(tmp, "upper"), filepath.Join(tmp, "work"), filepath.Join(tmp, "merged")
	for _, d := range []string{upper, work, merged} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mount("overlay", merged, "overlay", 0, "lowerdir="+lowers+",upperdir="+upper+",workdir="+work); err != nil {
		t.Fatalf("mount an overlay of the rootfs: %v", err)
	}
	release = func() {
		if err := e2e.Release(merged); err != nil {
			t.Errorf("release %s: %v", merged, err)
		}
		if m := e2e.MountsBelow(tmp); len(m) > 0 {
			t.Fatalf("still mounted below %s: %v", tmp, m)
		}
	}
	if err := chroot.Mount(merged); err != nil {
		release()
		t.Fatal(err)
	}
	if apt != nil {
		apt.mount(t, merged)
		// Name resolution for the package manager, as cis-try does (only in
		// this overlay).
		resolv := filepath.Join(merged, "etc/resolv.conf")
		if _, err := os.Lstat(resolv); os.IsNotExist(err) {
			if b, err := os.ReadFile("/etc/resolv.conf"); err == nil {
				_ = os.WriteFile(resolv, b, 0o644)
			}
		}
	}
	return merged, upper, release
}

// rtPackagesRE finds a case's "rt_packages PKG..." line (usually in the
// rule's tests/setup.sh): the packages every case of the rule needs
// installed before it starts.
var rtPackagesRE = regexp.MustCompile(`(?m)^rt_packages ([a-z0-9.+ -]+)$`)

// packages is the sorted set of packages the case names with rt_packages.
func (c ruleCase) packages() string {
	var pk []string
	for _, m := range rtPackagesRE.FindAllStringSubmatch(c.Prepare, -1) {
		pk = append(pk, strings.Fields(m[1])...)
	}
	sort.Strings(pk)
	return strings.Join(slices.Compact(pk), " ")
}

// buildLayer installs packages once in an overlay of lower and returns that
// overlay's upper directory, to be stacked on lower for every case that
// needs the same packages: installing a desktop (gdm3) once instead of once
// per case is what keeps those rules' tests to minutes.
func buildLayer(t *testing.T, lower, lib, packages string, apt *aptCache) string {
	t.Helper()
	merged, upper, release := overlay(t, lower, apt)
	defer release()
	var b strings.Builder
	b.WriteString(lib)
	b.WriteString("\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C\nexport PATH LC_ALL\n")
	b.WriteString("H_WORK=$(mktemp -d) H_RESULTS=/dev/null H_CHROOT=1 H_CLOUD=none\nh_detect_os\n")
	fmt.Fprintf(&b, "plat_pkg_install %s\n", packages)
	out, err := runChroot(merged, b.String())
	if err != nil {
		t.Fatalf("install %s for the cases that need them: %v\n%s", packages, err, out)
	}
	return upper
}

var errTimeout = errors.New("timed out after 10 minutes")

// runChroot runs script with /bin/sh in the chroot, for at most 10 minutes.
func runChroot(root, script string) (string, error) {
	cmd := exec.Command("chroot", root, "/bin/sh", "-s")
	cmd.Stdin = strings.NewReader(script)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LC_ALL=C"}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return "", err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(10 * time.Minute):
		_ = cmd.Process.Kill()
		<-done
		return out.String(), errTimeout
	}
}

// runCase runs one case in a fresh overlay of lowers and returns its output.
func runCase(t *testing.T, lowers, lib string, ctl *Control, c ruleCase, apt *aptCache) string {
	t.Helper()
	merged, _, release := overlay(t, lowers, apt)
	defer release()
	network := apt != nil
	var b strings.Builder
	b.WriteString(lib)
	b.WriteString("\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C\nexport PATH LC_ALL\n")
	b.WriteString("H_WORK=$(mktemp -d) H_RESULTS=/dev/null H_CHROOT=1 H_CLOUD=none\nh_detect_os\nh_apply_cloud\n")
	b.WriteString(c.varLines())
	// The case runs in this shell (it may choose parameters, like
	// P_log_logger=journald), stopping at its first failing command.
	fmt.Fprintf(&b, "RT_NETWORK=%s\n", map[bool]string{true: "1", false: "0"}[network])
	b.WriteString("exec 3>&1\nrt_needs_network() { [ \"$RT_NETWORK\" = 1 ] || { echo 'RT_SKIP network' >&3; exit 0; }; }\n")
	// The harness installed the packages in a layer below the case's.
	b.WriteString("rt_packages() { rt_needs_network; for _p; do plat_pkg_is_installed \"$_p\" || { echo \"rt_packages: $_p is not installed\"; return 1; }; done; }\n")
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
	out, err := runChroot(merged, b.String())
	if errors.Is(err, errTimeout) {
		t.Errorf("%s %s: %v", c.Rule, c.Name, err)
	}
	return out
}

// aptCache is one download cache for the cases that install packages: the
// package lists and the .deb files are fetched once, not once per case (a
// desktop package like gdm3 pulls hundreds of megabytes). It is kept in the
// user's cache directory, so later runs only refresh it.
type aptCache struct{ lists, archives string }

func newAptCache(t *testing.T) *aptCache {
	t.Helper()
	base, err := os.UserCacheDir()
	if err != nil {
		t.Fatalf("apt cache: %v", err)
	}
	base = filepath.Join(base, "packer-plugin-hardening", "ruletest-apt")
	c := &aptCache{lists: filepath.Join(base, "lists"), archives: filepath.Join(base, "archives")}
	for _, d := range []string{filepath.Join(c.lists, "partial"), filepath.Join(c.archives, "partial")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatalf("apt cache: %v", err)
		}
	}
	return c
}

// mount binds the cache over the case's own apt directories. A symlink in
// their place is refused: binding through it could cover a host directory.
func (c *aptCache) mount(t *testing.T, root string) {
	t.Helper()
	for src, rel := range map[string]string{c.lists: "var/lib/apt/lists", c.archives: "var/cache/apt/archives"} {
		dst := root
		for _, part := range strings.Split(rel, "/") {
			dst = filepath.Join(dst, part)
			if fi, err := os.Lstat(dst); err != nil || !fi.IsDir() {
				t.Fatalf("apt cache: %s is not a directory in the rootfs (%v)", dst, err)
			}
		}
		if err := syscall.Mount(src, dst, "", syscall.MS_BIND, ""); err != nil {
			t.Fatalf("apt cache: bind %s on %s: %v", src, dst, err)
		}
	}
}
