package rootfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validRaw returns a configuration that passes Prepare, rooted in a temp dir.
func validRaw(t *testing.T) map[string]interface{} {
	t.Helper()
	dir := t.TempDir()
	return map[string]interface{}{
		"source_directory":  mkdir(t, filepath.Join(dir, "src")),
		"output_directory":  filepath.Join(dir, "out"),
		"source_date_epoch": 1735689600,
		"temp_directory":    dir,
	}
}

func mkdir(t *testing.T, p string) string {
	t.Helper()
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPrepareAcceptsEachSource(t *testing.T) {
	dir := t.TempDir()
	tarball := filepath.Join(dir, "rootfs.tar")
	if err := os.WriteFile(tarball, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := map[string]map[string]interface{}{
		"directory": {"source_directory": mkdir(t, filepath.Join(dir, "src"))},
		"tarball":   {"source_tarball": tarball},
		"bootstrap": {"bootstrap": map[string]interface{}{"suite": "bookworm"}},
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			raw := map[string]interface{}{"output_directory": filepath.Join(dir, "out-"+name), "temp_directory": dir}
			for k, v := range src {
				raw[k] = v
			}
			var c Config
			if _, err := c.Prepare(raw); err != nil {
				t.Fatalf("Prepare: %v", err)
			}
		})
	}
}

func TestPrepareDefaults(t *testing.T) {
	raw := validRaw(t)
	delete(raw, "source_directory")
	raw["bootstrap"] = map[string]interface{}{"suite": "bookworm"}
	raw["compression"] = "zstd"
	var c Config
	if _, err := c.Prepare(raw); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	if c.Bootstrap.Tool != "mmdebstrap" || c.Bootstrap.Variant != "minbase" || strings.Join(c.Bootstrap.Components, ",") != "main" {
		t.Errorf("bootstrap defaults: got tool=%q variant=%q components=%v", c.Bootstrap.Tool, c.Bootstrap.Variant, c.Bootstrap.Components)
	}
	if c.OutputName != "rootfs.tar.zst" {
		t.Errorf("output_name default with zstd: got %q, want rootfs.tar.zst", c.OutputName)
	}
}

func TestPrepareSourceDateEpochFromEnvironment(t *testing.T) {
	raw := validRaw(t)
	delete(raw, "source_date_epoch")
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	var c Config
	warnings, err := c.Prepare(raw)
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	if c.SourceDateEpoch == nil || *c.SourceDateEpoch != 1700000000 {
		t.Fatalf("source_date_epoch from environment: got %v", c.SourceDateEpoch)
	}
	if len(warnings) != 0 {
		t.Errorf("unexpected warnings: %v", warnings)
	}

	t.Setenv("SOURCE_DATE_EPOCH", "")
	raw = validRaw(t)
	delete(raw, "source_date_epoch")
	c = Config{}
	warnings, err = c.Prepare(raw)
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "not be byte-reproducible") {
		t.Errorf("missing epoch should warn about reproducibility, got %v", warnings)
	}
}

func TestPrepareErrors(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(t *testing.T, raw map[string]interface{})
		want   []string // every fragment must appear in the error
	}{
		{"no source", func(t *testing.T, raw map[string]interface{}) {
			delete(raw, "source_directory")
		}, []string{"no source", "bootstrap, source_tarball or source_directory"}},
		{"several sources", func(t *testing.T, raw map[string]interface{}) {
			raw["bootstrap"] = map[string]interface{}{"suite": "bookworm"}
		}, []string{"several sources (bootstrap, source_directory)"}},
		{"missing tarball", func(t *testing.T, raw map[string]interface{}) {
			delete(raw, "source_directory")
			raw["source_tarball"] = "/nonexistent/rootfs.tar"
		}, []string{`source_tarball: "/nonexistent/rootfs.tar"`, "no such file"}},
		{"tarball is a directory", func(t *testing.T, raw map[string]interface{}) {
			raw["source_tarball"] = raw["source_directory"]
			delete(raw, "source_directory")
		}, []string{"source_tarball:", "not a regular file"}},
		{"missing directory", func(t *testing.T, raw map[string]interface{}) {
			raw["source_directory"] = "/nonexistent/rootfs"
		}, []string{`source_directory: "/nonexistent/rootfs"`, "no such file"}},
		{"directory is the host root", func(t *testing.T, raw map[string]interface{}) {
			raw["source_directory"] = "/"
		}, []string{`source_directory: "/"`, "host's own root"}},
		{"output is /", func(t *testing.T, raw map[string]interface{}) {
			raw["output_directory"] = "/"
		}, []string{`output_directory: "/"`, "filesystem root"}},
		{"output inside the rootfs", func(t *testing.T, raw map[string]interface{}) {
			raw["output_directory"] = filepath.Join(raw["source_directory"].(string), "out")
		}, []string{"output_directory:", "inside source_directory"}},
		{"output not empty", func(t *testing.T, raw map[string]interface{}) {
			out := mkdir(t, raw["output_directory"].(string))
			if err := os.WriteFile(filepath.Join(out, "old"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"output_directory:", "is not empty", "-force"}},
		{"unknown variant", func(t *testing.T, raw map[string]interface{}) {
			delete(raw, "source_directory")
			raw["bootstrap"] = map[string]interface{}{"suite": "bookworm", "variant": "tiny"}
		}, []string{`bootstrap.variant: "tiny"`, "accepted: essential, apt, required, minbase"}},
		{"unknown debootstrap variant", func(t *testing.T, raw map[string]interface{}) {
			delete(raw, "source_directory")
			raw["bootstrap"] = map[string]interface{}{"suite": "bookworm", "variant": "essential", "tool": "debootstrap"}
		}, []string{`bootstrap.variant: "essential"`, "debootstrap", "accepted: minbase, buildd, important"}},
		{"unknown tool", func(t *testing.T, raw map[string]interface{}) {
			delete(raw, "source_directory")
			raw["bootstrap"] = map[string]interface{}{"suite": "bookworm", "tool": "febootstrap"}
		}, []string{`bootstrap.tool: "febootstrap"`, "accepted: mmdebstrap, debootstrap"}},
		{"missing suite", func(t *testing.T, raw map[string]interface{}) {
			delete(raw, "source_directory")
			raw["bootstrap"] = map[string]interface{}{"variant": "minbase"}
		}, []string{"bootstrap.suite: required"}},
		{"mirror not a URL", func(t *testing.T, raw map[string]interface{}) {
			delete(raw, "source_directory")
			raw["bootstrap"] = map[string]interface{}{"suite": "bookworm", "mirror": "deb.example"}
		}, []string{`bootstrap.mirror: "deb.example"`, "http://, https:// or file://"}},
		{"bad package name", func(t *testing.T, raw map[string]interface{}) {
			delete(raw, "source_directory")
			raw["bootstrap"] = map[string]interface{}{"suite": "bookworm", "packages": []string{"curl vim"}}
		}, []string{`bootstrap.packages: "curl vim"`}},
		{"unknown compression", func(t *testing.T, raw map[string]interface{}) {
			raw["compression"] = "bzip2"
		}, []string{`compression: "bzip2"`, "accepted: none, gzip, zstd"}},
		{"output name with a directory", func(t *testing.T, raw map[string]interface{}) {
			raw["output_name"] = "sub/rootfs.tar"
		}, []string{`output_name: "sub/rootfs.tar"`}},
		{"negative epoch", func(t *testing.T, raw map[string]interface{}) {
			raw["source_date_epoch"] = -1
		}, []string{"source_date_epoch: -1"}},
		{"bad SOURCE_DATE_EPOCH", func(t *testing.T, raw map[string]interface{}) {
			delete(raw, "source_date_epoch")
			t.Setenv("SOURCE_DATE_EPOCH", "yesterday")
		}, []string{`SOURCE_DATE_EPOCH: "yesterday"`}},
		{"missing temp directory", func(t *testing.T, raw map[string]interface{}) {
			raw["temp_directory"] = "/nonexistent/tmp"
		}, []string{`temp_directory: "/nonexistent/tmp"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := validRaw(t)
			tc.mutate(t, raw)
			var c Config
			_, err := c.Prepare(raw)
			if err == nil {
				t.Fatalf("Prepare accepted the configuration; want an error containing %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestPrepareReportsAllErrorsAtOnce(t *testing.T) {
	raw := validRaw(t)
	raw["compression"] = "bzip2"
	raw["output_directory"] = "/"
	var c Config
	_, err := c.Prepare(raw)
	if err == nil || !strings.Contains(err.Error(), "compression") || !strings.Contains(err.Error(), "output_directory") {
		t.Fatalf("want both compression and output_directory errors, got %v", err)
	}
}

// asHost makes the host checks see another user and operating system, and
// a PATH without the bootstrap and disk programs.
func asHost(t *testing.T, uid int, os string) {
	t.Helper()
	oldUID, oldOS := geteuid, goos
	geteuid = func() int { return uid }
	goos = os
	t.Cleanup(func() { geteuid, goos = oldUID, oldOS })
	t.Setenv("PATH", t.TempDir())
}

// TestPrepareDoesNotLookAtTheHost (issue 17, item 4): `packer validate`
// passes for a normal user, on macOS, without mmdebstrap or the disk tools.
func TestPrepareDoesNotLookAtTheHost(t *testing.T) {
	for _, host := range []struct {
		uid int
		os  string
	}{{1000, "linux"}, {501, "darwin"}} {
		asHost(t, host.uid, host.os)
		raw := validRaw(t)
		delete(raw, "source_directory")
		raw["bootstrap"] = map[string]interface{}{"suite": "bookworm", "tool": "debootstrap"}
		raw["disk"] = map[string]interface{}{"formats": []string{"qcow2"}}
		var c Config
		if _, err := c.Prepare(raw); err != nil {
			t.Errorf("Prepare as uid %d on %s: %v", host.uid, host.os, err)
		}
	}
}

// TestHostCheck: the build itself still refuses to start without Linux,
// root and the programs it runs, naming the packages to install.
func TestHostCheck(t *testing.T) {
	cases := []struct {
		name string
		uid  int
		os   string
		disk bool
		want []string // every fragment must appear in the error
		not  []string
	}{
		{"not linux", 0, "darwin", true, []string{"runs only on Linux", "this is darwin"}, []string{"must run as root"}},
		{"not root", 1000, "linux", false, []string{"must run as root", "sudo -E packer build", "the build needs debootstrap", "apt-get install debootstrap"}, []string{"sfdisk"}},
		{"root without tools", 0, "linux", true, []string{"the build needs debootstrap, sfdisk, mkfs.vfat, mmd, mcopy, mke2fs, debugfs, e2fsck, qemu-img", "apt-get install debootstrap fdisk dosfstools mtools e2fsprogs qemu-utils"}, []string{"must run as root"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := validRaw(t)
			delete(raw, "source_directory")
			raw["bootstrap"] = map[string]interface{}{"suite": "bookworm", "tool": "debootstrap"}
			if tc.disk {
				raw["disk"] = map[string]interface{}{"formats": []string{"raw", "qcow2"}}
			}
			var c Config
			if _, err := c.Prepare(raw); err != nil {
				t.Fatalf("Prepare: %v", err)
			}
			asHost(t, tc.uid, tc.os)
			err := c.hostCheck()
			if err == nil {
				t.Fatalf("hostCheck accepted the host; want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(err.Error(), n) {
					t.Errorf("error %q should not contain %q", err, n)
				}
			}
		})
	}
}
