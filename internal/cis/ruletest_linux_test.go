package cis

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/chroot"
	"github.com/imagesmith/packer-plugin-hardening/internal/e2e"
)

// TestRulesInChroot runs every rule test case in the cloud-like Debian 12
// rootfs: each case in a fresh overlay of the unpacked rootfs (so cases never
// see each other's changes), one chroot and one shell per case, with the
// whole catalogue's library loaded, several cases at once. A fail case must make the check fail,
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
	var network bool
	switch v := os.Getenv("HARDENING_RULETEST_NETWORK"); v {
	case "1":
		network = true
	case "", "0":
	default:
		t.Fatalf("HARDENING_RULETEST_NETWORK=%q: want 1 (run the cases that install packages) or 0", v)
	}
	tarball := e2e.CloudlikeTarball(t)
	lower := e2e.Unpack(t, tarball)
	var apt *aptCache
	if network {
		apt = newAptCache(t)
	}
	plan := allRulesPlan(t, cat, "none")
	// The whole catalogue's library, then the harness that runs a case.
	lib := strings.TrimSuffix(string(Script(cat, plan)), "h_main \"$@\"\n") + harness(t)
	start := time.Now()
	// Layers first, one at a time (they install packages); then the cases,
	// several at once, except those that may run apt: they share the apt
	// cache and its locks.
	layers := map[string]string{}
	lowers := make([]string, len(cases))
	for i, c := range cases {
		lowers[i] = lower
		if pk := c.mustPackages(t); pk != "" && apt != nil {
			if layers[pk] == "" {
				l, err := cachedLayer(t, tarball, lower, lib, pk, apt)
				if err != nil {
					t.Fatal(err)
				}
				layers[pk] = l
			}
			lowers[i] = layers[pk] + ":" + lower
		}
	}
	if apt != nil && os.Getenv("HARDENING_RULETEST_ONLY") == "" {
		// Every layer of the catalogue is in use: the others are stale.
		t.Cleanup(func() { pruneLayers(t, layers) })
	}
	outs := make([]string, len(cases))
	errs := make([]error, len(cases))
	took := make([]time.Duration, len(cases))
	var wg sync.WaitGroup
	var aptMu sync.Mutex
	sem := make(chan struct{}, ruleTestJobs(t))
	for i, c := range cases {
		ctl, _ := cat.Control(c.Rule)
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if apt != nil && mayRunApt(ctl, c) {
				aptMu.Lock()
				defer aptMu.Unlock()
			}
			began := time.Now()
			outs[i], errs[i] = runCase(t, lowers[i], lib, ctl, c, apt)
			took[i] = time.Since(began)
		}()
	}
	wg.Wait()
	var ran, skipped int
	for i, c := range cases {
		ctl, _ := cat.Control(c.Rule)
		out := outs[i]
		if errs[i] != nil {
			t.Errorf("%s %s: %v\n%s", c.Rule, c.Name, errs[i], out)
			continue
		}
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
	slowest(t, cases, took)
	t.Logf("%d rule test cases ran in %s (%d skipped: they need the network, or a package the distribution lacks)", ran, time.Since(start).Round(time.Second), skipped)
}

// overlay mounts a fresh overlay of lowers (overlayfs's list, top layer
// first) with the chroot's pseudo filesystems and, when apt is set, the apt
// cache and the host's name resolution. release kills what runs there and
// unmounts it all; it must be called even when overlay fails.
func overlay(t *testing.T, lowers string, apt *aptCache) (merged, upper string, release func() error, err error) {
	tmp := t.TempDir()
	upper, work, merged := filepath.Join(tmp, "upper"), filepath.Join(tmp, "work"), filepath.Join(tmp, "merged")
	release = func() error {
		err := e2e.Release(merged)
		if m := e2e.MountsBelow(tmp); len(m) > 0 {
			// t.TempDir's cleanup would delete through them: stop here.
			panic(fmt.Sprintf("still mounted below %s: %v", tmp, m))
		}
		return err
	}
	for _, d := range []string{upper, work, merged} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return "", "", release, err
		}
	}
	if err := syscall.Mount("overlay", merged, "overlay", 0, "lowerdir="+lowers+",upperdir="+upper+",workdir="+work); err != nil {
		return "", "", release, fmt.Errorf("mount an overlay of the rootfs: %w", err)
	}
	if err := chroot.Mount(merged); err != nil {
		return "", "", release, err
	}
	if apt != nil {
		if err := apt.mount(merged); err != nil {
			return "", "", release, err
		}
		// Name resolution for the package manager, as cis-try does (only in
		// this overlay).
		resolv := filepath.Join(merged, "etc/resolv.conf")
		if _, err := os.Lstat(resolv); os.IsNotExist(err) {
			if b, err := os.ReadFile("/etc/resolv.conf"); err == nil {
				_ = os.WriteFile(resolv, b, 0o644)
			}
		}
	}
	return merged, upper, release, nil
}

// ruleTestJobs is how many cases run at once: HARDENING_RULETEST_JOBS, or
// the number of CPUs (at most 4).
func ruleTestJobs(t *testing.T) int {
	if v := os.Getenv("HARDENING_RULETEST_JOBS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 64 {
			t.Fatalf("HARDENING_RULETEST_JOBS=%q: want a number of parallel cases from 1 to 64", v)
		}
		return n
	}
	return min(runtime.NumCPU(), 4)
}

// mayRunApt tells whether a case may run apt-get: it installs or purges
// packages, or its rule's remediation does.
func mayRunApt(ctl *Control, c ruleCase) bool {
	return ctl.Install != "" || ctl.Remove != "" || strings.Contains(c.Prepare, "plat_pkg_install") ||
		strings.Contains(c.Prepare, "plat_pkg_purge") || strings.Contains(c.Prepare, "rt_needs_network")
}

// buildLayer installs packages once in an overlay of lower and returns that
// overlay's upper directory, to be stacked on lower for every case that
// needs the same packages: installing a desktop (gdm3) once instead of once
// per case is what keeps those rules' tests to minutes.
func buildLayer(t *testing.T, lower, lib, packages string, apt *aptCache) (layer string, err error) {
	merged, upper, release, err := overlay(t, lower, apt)
	defer func() {
		if rerr := release(); rerr != nil && err == nil {
			err = rerr
		}
	}()
	if err != nil {
		return "", err
	}
	script := lib + "rt_layer " + packages + "\n"
	// A desktop (gdm3) or AIDE's hundreds of configuration files take
	// minutes to install on a busy machine.
	if out, err := runChroot(merged, script, 30*time.Minute); err != nil {
		return "", fmt.Errorf("install %s for the cases that need them: %w\n%s", packages, err, out)
	}
	return upper, nil
}

// cachedLayer is buildLayer's result, kept between runs in the user's
// cache directory under a key of what it is built from: the rootfs
// tarball (its size and time), the packages and the platform layer. A
// layer with a desktop or AIDE takes minutes to install; from the cache it
// costs nothing.
func cachedLayer(t *testing.T, tarball, lower, lib, packages string, apt *aptCache) (string, error) {
	fi, err := os.Stat(tarball)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%d\n%s\n%d %d\n%s\n", layerFormat, tarball, fi.Size(), fi.ModTime().UnixNano(), packages)
	// What installs the packages: the platform layer (and rt_layer: bump
	// layerFormat when it changes), not the rules: a change to a rule must
	// not rebuild a desktop.
	platform, err := filepath.Glob(filepath.Join("catalogue", "lib", "platform", "*.sh"))
	if err != nil || len(platform) == 0 {
		return "", fmt.Errorf("platform layer files: %v", err)
	}
	for _, f := range platform {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		h.Write(b)
	}
	dir := filepath.Join(layersDir(t), hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		t.Logf("layer %q: %s (cached)", packages, dir)
		return filepath.Join(dir, "upper"), nil
	}
	began := time.Now()
	upper, err := buildLayer(t, lower, lib, packages, apt)
	if err != nil {
		return "", err
	}
	t.Logf("layer %q built in %s", packages, time.Since(began).Round(time.Second))
	// Moved, not copied (the same filesystem keeps overlayfs's whiteouts and
	// attributes); a layer that cannot move is used where it is.
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "building-")
	if err != nil {
		return "", err
	}
	if err := os.Rename(upper, filepath.Join(tmp, "upper")); err != nil {
		t.Logf("layer %q not cached: %v", packages, err)
		_ = os.Remove(tmp)
		return upper, nil
	}
	if err := os.WriteFile(filepath.Join(tmp, "complete"), []byte(packages+"\n"), 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another run cached the same layer first: use that one.
		_ = os.RemoveAll(tmp)
	}
	return filepath.Join(dir, "upper"), nil
}

// layerFormat versions how rt_layer builds a layer.
const layerFormat = 1

// layersDir is where cachedLayer keeps the layers.
func layersDir(t *testing.T) string {
	base, err := os.UserCacheDir()
	if err != nil {
		t.Fatalf("layer cache: %v", err)
	}
	dir := filepath.Join(base, "packer-plugin-hardening", "ruletest-layers")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("layer cache: %v", err)
	}
	return dir
}

// pruneLayers removes the cached layers a full run did not use (built for
// an older rootfs, library or package set), and half-built ones. Nothing
// is mounted on a layer: overlays use it as a lower directory only, and
// they are released by then; a mount found below one stops the pruning.
func pruneLayers(t *testing.T, inUse map[string]string) {
	keep := map[string]bool{}
	for _, upper := range inUse {
		keep[filepath.Dir(upper)] = true
	}
	dir := layersDir(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Logf("prune layers: %v", err)
		return
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if keep[p] {
			continue
		}
		if m := e2e.MountsBelow(p); len(m) > 0 {
			t.Logf("prune layers: %s has mounts below it (%v): left", p, m)
			continue
		}
		if err := os.RemoveAll(p); err != nil {
			t.Logf("prune layers: %v", err)
		}
	}
}

// slowest logs the ten slowest cases: where the test's time goes.
func slowest(t *testing.T, cases []ruleCase, took []time.Duration) {
	idx := make([]int, len(cases))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return took[idx[a]] > took[idx[b]] })
	for _, i := range idx[:min(10, len(idx))] {
		t.Logf("slow: %s %s %s", took[i].Round(time.Second), cases[i].Rule, cases[i].Name)
	}
}

var errTimeout = errors.New("timed out")

// runChroot runs script with /bin/sh in the chroot, for at most limit.
func runChroot(root, script string, limit time.Duration) (string, error) {
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
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		<-done
		return out.String(), fmt.Errorf("%w after %s", errTimeout, limit)
	}
}

// runCase runs one case in a fresh overlay of lowers and returns its output.
func runCase(t *testing.T, lowers, lib string, ctl *Control, c ruleCase, apt *aptCache) (out string, err error) {
	merged, _, release, err := overlay(t, lowers, apt)
	defer func() {
		if rerr := release(); rerr != nil && err == nil {
			err = rerr
		}
	}()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(lib)
	fmt.Fprintf(&b, "RT_NETWORK=%d\n", b01(apt != nil))
	b.WriteString(c.varLines())
	fmt.Fprintf(&b, "rt_prepare() {\n%s\n}\n", c.Prepare)
	fmt.Fprintf(&b, "rt_case %s %d %d\n", ctl.Rule, b01(c.Fail), b01(ctl.Remediable()))
	out, err = runChroot(merged, b.String(), 10*time.Minute)
	if errors.Is(err, errTimeout) {
		return out, err
	}
	// The script's own exit status says nothing: its RT_ lines do.
	return out, nil
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
func (c *aptCache) mount(root string) error {
	for src, rel := range map[string]string{c.lists: "var/lib/apt/lists", c.archives: "var/cache/apt/archives"} {
		dst := root
		for _, part := range strings.Split(rel, "/") {
			dst = filepath.Join(dst, part)
			if fi, err := os.Lstat(dst); err != nil || !fi.IsDir() {
				return fmt.Errorf("apt cache: %s is not a directory in the rootfs (%v)", dst, err)
			}
		}
		if err := syscall.Mount(src, dst, "", syscall.MS_BIND, ""); err != nil {
			return fmt.Errorf("apt cache: bind %s on %s: %w", src, dst, err)
		}
	}
	return nil
}
