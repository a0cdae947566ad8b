package rootfs

import (
	"strings"
	"testing"
)

func TestPrepareDiskDefaults(t *testing.T) {
	raw := validRaw(t)
	raw["disk"] = map[string]interface{}{}
	var c Config
	if _, err := c.Prepare(raw); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	d := c.Disk
	if strings.Join(d.Formats, ",") != "raw" || d.Name != "disk" || d.minSize != 2<<30 || d.KernelCmdline != "console=tty0 console=ttyS0,115200" {
		t.Errorf("defaults: %+v", d)
	}
	// The seed follows the build name and the epoch.
	c.PackerBuildName = "debian12"
	if c.diskSeed() != "debian12@1735689600" {
		t.Errorf("seed %q", c.diskSeed())
	}
	c.Disk.Seed = "fixed"
	if c.diskSeed() != "fixed" {
		t.Errorf("seed %q, want the configured one", c.diskSeed())
	}
}

func TestPrepareDiskRejects(t *testing.T) {
	cases := map[string]struct {
		disk map[string]interface{}
		want string
	}{
		"unknown format":      {map[string]interface{}{"formats": []string{"vmdk"}}, `disk.formats[0]: "vmdk" is not a disk format; accepted: raw, qcow2, gce`},
		"format twice":        {map[string]interface{}{"formats": []string{"raw", "raw"}}, `disk.formats[1]: "raw" is listed twice`},
		"name with a slash":   {map[string]interface{}{"name": "a/b"}, `disk.name: "a/b" must be a plain file name`},
		"name of the tarball": {map[string]interface{}{"name": "rootfs", "formats": []string{"raw"}}, ""},
		"size without number": {map[string]interface{}{"min_size": "big"}, `disk.min_size: "big": not a positive whole number`},
		"size unit":           {map[string]interface{}{"min_size": "2T"}, `disk.min_size: "2T": not a positive whole number`},
		"too small":           {map[string]interface{}{"min_size": "512M"}, `disk.min_size: "512M" is below 1G`},
		"cmdline with quote":  {map[string]interface{}{"kernel_cmdline": `quiet "x`}, `disk.kernel_cmdline: "quiet \"x" contains characters GRUB would interpret`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			raw := validRaw(t)
			raw["disk"] = tc.disk
			var c Config
			_, err := c.Prepare(raw)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Prepare: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestPrepareDiskNameClashesWithTheTarball(t *testing.T) {
	raw := validRaw(t)
	raw["output_name"] = "disk.raw"
	raw["disk"] = map[string]interface{}{}
	var c Config
	if _, err := c.Prepare(raw); err == nil || !strings.Contains(err.Error(), `disk.name: "disk" gives disk.raw, the name of the tarball`) {
		t.Errorf("error %v", err)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"2048": 2 << 30, "2G": 2 << 30, "3GiB": 3 << 30, "1536M": 1536 << 20, "4096MiB": 4 << 30} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1G", "1.5G", "G", "2KB", "99999999999G"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}

func TestBootPackageWarning(t *testing.T) {
	raw := validRaw(t)
	delete(raw, "source_directory")
	raw["bootstrap"] = map[string]interface{}{"suite": "bookworm", "packages": []string{"openssh-server"}}
	raw["disk"] = map[string]interface{}{}
	var c Config
	warnings, err := c.Prepare(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(warnings, "\n"), "disk: bootstrap.packages lists no kernel (linux-image-amd64 or linux-image-cloud-amd64) and no GRUB for UEFI (grub-efi-amd64-bin)") {
		t.Errorf("warnings: %q", warnings)
	}
	raw["bootstrap"] = map[string]interface{}{"suite": "bookworm", "packages": []string{"linux-image-cloud-amd64", "grub-efi-amd64-bin"}}
	c = Config{}
	if warnings, _ := c.Prepare(raw); strings.Contains(strings.Join(warnings, "\n"), "disk:") {
		t.Errorf("warning with both packages: %q", warnings)
	}
}
