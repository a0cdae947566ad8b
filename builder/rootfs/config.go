//go:generate packer-sdc mapstructure-to-hcl2 -type Config,BootstrapConfig,DiskConfig
//go:generate packer-sdc struct-markdown

package rootfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/common"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/template/config"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"

	"github.com/imagesmith/packer-plugin-hardening/internal/disk"
)

// Accepted values, listed in error messages and docs.
var (
	bootstrapTools = []string{"mmdebstrap", "debootstrap"}
	// mmdebstrapVariants are the variants mmdebstrap installs packages for.
	mmdebstrapVariants = []string{"essential", "apt", "required", "minbase", "buildd", "important", "debootstrap", "standard"}
	// debootstrapVariants are debootstrap's; "" selects its default set.
	debootstrapVariants = []string{"minbase", "buildd", "important"}
	compressions        = []string{"none", "gzip", "zstd"}
)

// BootstrapConfig creates a Debian-family root filesystem from a package
// mirror with mmdebstrap (or debootstrap).
type BootstrapConfig struct {
	// The distribution suite or codename to bootstrap, for example `bookworm`,
	// `trixie` or, with a matching mirror and keyring, `noble`.
	Suite string `mapstructure:"suite" required:"true"`
	// The package mirror URL. Empty uses the bootstrap tool's default mirror
	// (for a Debian stable suite mmdebstrap adds its updates and security
	// suites too). Must contain `://` (http, https or file).
	Mirror string `mapstructure:"mirror" required:"false"`
	// The package set to start from. Defaults to `minbase` (essential packages
	// and apt). mmdebstrap accepts `essential`, `apt`, `required`, `minbase`,
	// `buildd`, `important`, `debootstrap` and `standard`; debootstrap accepts
	// `minbase`, `buildd` and `important` (its default set).
	Variant string `mapstructure:"variant" required:"false"`
	// Extra packages to install during the bootstrap, for example
	// `["openssh-server", "sudo"]`.
	Packages []string `mapstructure:"packages" required:"false"`
	// Archive components to enable. Defaults to `["main"]`.
	Components []string `mapstructure:"components" required:"false"`
	// Keyring files or directories that sign the mirror, for suites whose
	// keys the host does not trust by default (an Ubuntu suite on a Debian
	// host needs `/usr/share/keyrings/ubuntu-archive-keyring.gpg`).
	Keyrings []string `mapstructure:"keyrings" required:"false"`
	// The bootstrap program: `mmdebstrap` (default) or `debootstrap`.
	Tool string `mapstructure:"tool" required:"false"`
}

// DiskConfig makes the builder also write a bootable VM disk image of the
// root filesystem, laid out like the distributions' cloud images: GPT, an
// EFI system partition (partition 15) with the image's own GRUB, and an ext4
// root partition (partition 1) mounted by UUID, which cloud-init grows to
// the disk at first boot. The image must contain a kernel, an initramfs and
// GRUB's EFI modules (`linux-image-amd64` or `linux-image-cloud-amd64`,
// `initramfs-tools`, `grub-efi-amd64-bin`) and, to grow, `cloud-init` and
// `cloud-guest-utils`. x86_64 images, UEFI boot (no Secure Boot).
type DiskConfig struct {
	// Disk formats to write: `raw` (also what `aws ec2 import-snapshot` and
	// Packer's `amazon-import` with `format = "raw"` take), `qcow2` (QEMU,
	// OpenStack, libvirt) and `gce` (`disk.raw` in a gzip-compressed GNU
	// tar, what `gcloud compute images create --source-uri` and Packer's
	// `googlecompute-import` take). Defaults to `["raw"]`.
	Formats []string `mapstructure:"formats" required:"false"`
	// Base name of the disk files in `output_directory`: `<name>.raw`,
	// `<name>.qcow2`, `<name>.tar.gz`, each with a `.sha256` file. Defaults
	// to `disk`.
	Name string `mapstructure:"name" required:"false"`
	// The smallest disk size, in MiB or with a unit (`2G`, `2048M`, `4GiB`).
	// The size is the larger of this and what the content needs (plus free
	// space), rounded up to a whole GiB. Defaults to `2G`.
	MinSize string `mapstructure:"min_size" required:"false"`
	// Derives the disk GUID, partition UUIDs, filesystem UUIDs and hash
	// seed. Defaults to the build name and `source_date_epoch`, so two
	// builds of a template give the same disk; without an epoch a random
	// seed is used.
	Seed string `mapstructure:"seed" required:"false"`
	// Kernel command line words GRUB passes before the image's own
	// `GRUB_CMDLINE_LINUX` (from `/etc/default/grub` and its `grub.d`
	// drop-ins, where hardening adds AppArmor's). Defaults to
	// `console=tty0 console=ttyS0,115200`, the serial console clouds show.
	KernelCmdline string `mapstructure:"kernel_cmdline" required:"false"`

	minSize int64
}

// Config is the configuration of the hardening-rootfs builder.
type Config struct {
	common.PackerConfig `mapstructure:",squash"`

	// Bootstrap a new root filesystem from a package mirror. Exactly one of
	// `bootstrap`, `source_tarball` and `source_directory` must be set.
	Bootstrap *BootstrapConfig `mapstructure:"bootstrap" required:"false"`
	// Start from an existing root filesystem tarball (plain, gzip, xz or
	// zstd; anything GNU tar reads). Ownership, modes, extended attributes
	// and file capabilities are kept.
	SourceTarball string `mapstructure:"source_tarball" required:"false"`
	// Start from a copy of an existing root filesystem directory. The
	// directory itself is never modified.
	SourceDirectory string `mapstructure:"source_directory" required:"false"`

	// Where the tarball and its checksum are written. Defaults to
	// `output-<build name>`. Must not be `/` or inside the source directory,
	// and must be empty or absent unless Packer runs with `-force`.
	OutputDirectory string `mapstructure:"output_directory" required:"false"`
	// The tarball's file name. Defaults to `rootfs.tar`, with `.gz` or
	// `.zst` appended when compressed.
	OutputName string `mapstructure:"output_name" required:"false"`
	// Compression of the tarball: `none` (default), `gzip` or `zstd`. Both
	// compressors are deterministic, so the output stays reproducible.
	Compression string `mapstructure:"compression" required:"false"`
	// Modification times newer than this Unix time are clamped to it, and it
	// is exported as `SOURCE_DATE_EPOCH` to the bootstrap and to every
	// provisioner command. Defaults to the `SOURCE_DATE_EPOCH` environment
	// variable. When neither is set the build time is used and the tarball is
	// not reproducible; the build says so.
	SourceDateEpoch *int64 `mapstructure:"source_date_epoch" required:"false"`
	// Also write a bootable VM disk image (raw, qcow2, GCE tarball) next to
	// the tarball. See the `disk` block below.
	Disk *DiskConfig `mapstructure:"disk" required:"false"`
	// Where the root filesystem is assembled. Defaults to `$TMPDIR`, else
	// `/var/tmp`. Needs room for the whole tree and must allow device nodes
	// and execution.
	TempDirectory string `mapstructure:"temp_directory" required:"false"`

	ctx interpolate.Context
}

// geteuid and goos are variables so tests can exercise the host checks.
var (
	geteuid = os.Geteuid
	goos    = runtime.GOOS
)

// Prepare decodes raws, applies defaults and validates everything it can
// without changing anything, reporting every problem at once. It does not
// look at the host (operating system, user, installed programs): that is
// hostCheck's job when the build starts, so `packer validate` runs as any
// user on any machine, as in a pull-request CI job.
func (c *Config) Prepare(raws ...interface{}) ([]string, error) {
	err := config.Decode(c, &config.DecodeOpts{
		PluginType:         BuilderID,
		Interpolate:        true,
		InterpolateContext: &c.ctx,
	}, raws...)
	if err != nil {
		return nil, err
	}

	var errs *packersdk.MultiError
	var warnings []string
	add := func(format string, args ...any) {
		errs = packersdk.MultiErrorAppend(errs, fmt.Errorf(format, args...))
	}

	c.prepareSource(add)

	if c.Compression == "" {
		c.Compression = "none"
	}
	if !slices.Contains(compressions, c.Compression) {
		add("compression: %q is not supported; accepted: %s", c.Compression, strings.Join(compressions, ", "))
	}
	if c.OutputName == "" {
		c.OutputName = "rootfs.tar" + compressionExt(c.Compression)
	}
	if strings.ContainsRune(c.OutputName, '/') || c.OutputName == "." || c.OutputName == ".." {
		add("output_name: %q must be a plain file name, without directories", c.OutputName)
	}

	if c.OutputDirectory == "" {
		c.OutputDirectory = "output-" + c.PackerBuildName
	}
	c.prepareOutput(add)

	if c.SourceDateEpoch == nil {
		if v, ok := os.LookupEnv("SOURCE_DATE_EPOCH"); ok && v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				add("SOURCE_DATE_EPOCH: %q is not a non-negative whole number of seconds since 1970", v)
			} else {
				c.SourceDateEpoch = &n
			}
		}
	} else if *c.SourceDateEpoch < 0 {
		add("source_date_epoch: %d must be zero or positive (seconds since 1970-01-01 UTC)", *c.SourceDateEpoch)
	}
	if c.SourceDateEpoch == nil {
		warnings = append(warnings, "neither source_date_epoch nor SOURCE_DATE_EPOCH is set: the build time is used, so the tarball will not be byte-reproducible")
	}

	if c.Disk != nil {
		c.Disk.prepare(c, add)
		if w := c.bootPackageWarning(); w != "" {
			warnings = append(warnings, w)
		}
	}

	if c.TempDirectory == "" {
		c.TempDirectory = os.Getenv("TMPDIR")
		if c.TempDirectory == "" {
			c.TempDirectory = "/var/tmp"
		}
	}
	if fi, err := os.Stat(c.TempDirectory); err != nil || !fi.IsDir() {
		add("temp_directory: %q is not an existing directory", c.TempDirectory)
	}

	if errs != nil && len(errs.Errors) > 0 {
		return warnings, errs
	}
	return warnings, nil
}

func (c *Config) prepareSource(add func(string, ...any)) {
	var set []string
	if c.Bootstrap != nil {
		set = append(set, "bootstrap")
	}
	if c.SourceTarball != "" {
		set = append(set, "source_tarball")
	}
	if c.SourceDirectory != "" {
		set = append(set, "source_directory")
	}
	switch len(set) {
	case 0:
		add("no source: set exactly one of bootstrap, source_tarball or source_directory")
	case 1:
	default:
		add("several sources (%s): set exactly one of bootstrap, source_tarball or source_directory", strings.Join(set, ", "))
	}

	if c.SourceTarball != "" {
		if fi, err := os.Stat(c.SourceTarball); err != nil {
			add("source_tarball: %q cannot be read: %v", c.SourceTarball, unwrapPathError(err))
		} else if !fi.Mode().IsRegular() {
			add("source_tarball: %q is not a regular file", c.SourceTarball)
		}
	}
	if c.SourceDirectory != "" {
		abs, _ := filepath.Abs(c.SourceDirectory)
		if fi, err := os.Stat(c.SourceDirectory); err != nil {
			add("source_directory: %q cannot be read: %v", c.SourceDirectory, unwrapPathError(err))
		} else if !fi.IsDir() {
			add("source_directory: %q is not a directory", c.SourceDirectory)
		} else if abs == "/" {
			add("source_directory: %q is the host's own root; point it at a separate root filesystem tree", c.SourceDirectory)
		}
	}
	if c.Bootstrap != nil {
		c.Bootstrap.prepare(add)
	}
}

func (b *BootstrapConfig) prepare(add func(string, ...any)) {
	if b.Tool == "" {
		b.Tool = "mmdebstrap"
	}
	if b.Variant == "" {
		b.Variant = "minbase"
	}
	if len(b.Components) == 0 {
		b.Components = []string{"main"}
	}
	if b.Suite == "" {
		add("bootstrap.suite: required, for example \"bookworm\"")
	} else if strings.ContainsAny(b.Suite, " /\t") {
		add("bootstrap.suite: %q is not a suite or codename (no spaces or slashes)", b.Suite)
	}
	switch b.Tool {
	case "mmdebstrap":
		if !slices.Contains(mmdebstrapVariants, b.Variant) {
			add("bootstrap.variant: %q is not a variant mmdebstrap knows; accepted: %s", b.Variant, strings.Join(mmdebstrapVariants, ", "))
		}
	case "debootstrap":
		if !slices.Contains(debootstrapVariants, b.Variant) {
			add("bootstrap.variant: %q is not a variant debootstrap knows; accepted: %s", b.Variant, strings.Join(debootstrapVariants, ", "))
		}
	default:
		add("bootstrap.tool: %q is not supported; accepted: %s", b.Tool, strings.Join(bootstrapTools, ", "))
	}
	if b.Mirror != "" && !strings.Contains(b.Mirror, "://") {
		add("bootstrap.mirror: %q is not a URL; accepted: http://, https:// or file:// mirror URLs", b.Mirror)
	}
	for _, p := range b.Packages {
		if p == "" || strings.ContainsAny(p, " ,\t") {
			add("bootstrap.packages: %q is not a package name (one name per list item, no spaces or commas)", p)
		}
	}
	for _, k := range b.Keyrings {
		if _, err := os.Stat(k); err != nil {
			add("bootstrap.keyrings: %q cannot be read: %v", k, unwrapPathError(err))
		}
	}
}

func (c *Config) prepareOutput(add func(string, ...any)) {
	abs, err := filepath.Abs(c.OutputDirectory)
	if err != nil {
		add("output_directory: %q: %v", c.OutputDirectory, err)
		return
	}
	if abs == "/" {
		add("output_directory: %q is the filesystem root; choose a dedicated directory such as \"output\"", c.OutputDirectory)
		return
	}
	if c.SourceDirectory != "" {
		src, _ := filepath.Abs(c.SourceDirectory)
		if within(abs, src) {
			add("output_directory: %q is inside source_directory %q; the tarball would end up in the root filesystem it archives", c.OutputDirectory, c.SourceDirectory)
		}
	}
	entries, err := os.ReadDir(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		add("output_directory: %q cannot be read: %v", c.OutputDirectory, unwrapPathError(err))
	case len(entries) > 0 && !c.PackerForce:
		add("output_directory: %q is not empty; remove it, choose another directory, or run `packer build -force` to overwrite %s in it", c.OutputDirectory, c.OutputName)
	}
}

// within reports whether path is dir or below it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

func compressionExt(c string) string {
	switch c {
	case "gzip":
		return ".gz"
	case "zstd":
		return ".zst"
	}
	return ""
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// epoch returns the clamp time, or the zero time when none is configured.
func (c *Config) epoch() time.Time {
	if c.SourceDateEpoch == nil {
		return time.Time{}
	}
	return time.Unix(*c.SourceDateEpoch, 0).UTC()
}

// hostCheck reports, when the build starts, what this machine lacks to run
// it: Linux, root, the bootstrap program and the disk tools. These are not
// Prepare's checks, so `packer validate` runs anywhere.
func (c *Config) hostCheck() error {
	if goos != "linux" {
		return fmt.Errorf("the hardening-rootfs builder runs only on Linux (it uses chroot and Linux mounts); this is %s. Run the build on a Linux machine or CI runner", goos)
	}
	var errs []error
	if geteuid() != 0 {
		errs = append(errs, errors.New("the hardening-rootfs builder must run as root: it bootstraps packages, mounts /proc, /sys and /dev and chroots into the image. Run `sudo -E packer build ...` or build in a root CI container"))
	}
	var tools [][2]string
	if c.Bootstrap != nil {
		tools = append(tools, [2]string{c.Bootstrap.Tool, c.Bootstrap.Tool})
	}
	if c.Disk != nil {
		tools = append(tools, diskTools...)
		if slices.Contains(c.Disk.Formats, "qcow2") {
			tools = append(tools, [2]string{"qemu-img", "qemu-utils"})
		}
	}
	if err := missingTools(tools); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// missingTools names the host programs of tools (program, Debian package)
// that are not installed, with the packages to install.
func missingTools(tools [][2]string) error {
	var missing []string
	pkgs := map[string]bool{}
	var names []string
	for _, t := range tools {
		if _, err := exec.LookPath(t[0]); err != nil {
			missing = append(missing, t[0])
			if !pkgs[t[1]] {
				pkgs[t[1]] = true
				names = append(names, t[1])
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("the build needs %s, not installed on this machine: install them with `apt-get install %s`",
		strings.Join(missing, ", "), strings.Join(names, " "))
}

// diskTools are the host programs the disk output runs, by Debian package.
var diskTools = [][2]string{
	{"sfdisk", "fdisk"}, {"mkfs.vfat", "dosfstools"}, {"mmd", "mtools"}, {"mcopy", "mtools"},
	{"mke2fs", "e2fsprogs"}, {"debugfs", "e2fsprogs"}, {"e2fsck", "e2fsprogs"},
}

func (d *DiskConfig) prepare(c *Config, add func(string, ...any)) {
	if len(d.Formats) == 0 {
		d.Formats = []string{"raw"}
	}
	seen := map[string]bool{}
	for i, f := range d.Formats {
		switch {
		case !slices.Contains(disk.Formats, f):
			add("disk.formats[%d]: %q is not a disk format; accepted: %s", i, f, strings.Join(disk.Formats, ", "))
		case seen[f]:
			add("disk.formats[%d]: %q is listed twice", i, f)
		}
		seen[f] = true
	}
	if d.Name == "" {
		d.Name = "disk"
	}
	if strings.ContainsAny(d.Name, "/\\\x00") || d.Name == "." || d.Name == ".." {
		add("disk.name: %q must be a plain file name, without directories", d.Name)
	}
	for _, f := range d.Formats {
		if disk.FileName(d.Name, f) == c.OutputName {
			add("disk.name: %q gives %s, the name of the tarball (output_name); choose another", d.Name, c.OutputName)
		}
	}
	if d.MinSize == "" {
		d.MinSize = "2G"
	}
	n, err := parseSize(d.MinSize)
	if err != nil {
		add("disk.min_size: %q: %v; accepted: a number of MiB, or a number with M, MiB, G or GiB, at least 1G", d.MinSize, err)
	} else if n < 1<<30 {
		add("disk.min_size: %q is below 1G, too small for a bootable image", d.MinSize)
	}
	d.minSize = n
	if d.KernelCmdline == "" {
		d.KernelCmdline = "console=tty0 console=ttyS0,115200"
	}
	if !disk.SafeCmdline(d.KernelCmdline) {
		add("disk.kernel_cmdline: %q contains characters GRUB would interpret (quotes, $, ;, braces, backslash, newline)", d.KernelCmdline)
	}
}

// bootPackageWarning says, for a bootstrap whose package list lacks what a
// disk boots with, which packages to add. It is a warning: a provisioner
// may install them; the disk step checks the image itself before writing.
func (c *Config) bootPackageWarning() string {
	if c.Bootstrap == nil {
		return ""
	}
	var kernel, grub bool
	for _, p := range c.Bootstrap.Packages {
		kernel = kernel || strings.HasPrefix(p, "linux-image-")
		grub = grub || p == "grub-efi-amd64-bin" || p == "grub-efi-amd64" || p == "grub-efi"
	}
	var missing []string
	if !kernel {
		missing = append(missing, "kernel (linux-image-amd64 or linux-image-cloud-amd64)")
	}
	if !grub {
		missing = append(missing, "GRUB for UEFI (grub-efi-amd64-bin)")
	}
	if len(missing) == 0 {
		return ""
	}
	return fmt.Sprintf("disk: bootstrap.packages lists no %s: add it, or install it from a provisioner, or the disk step will fail", strings.Join(missing, " and no "))
}

// parseSize reads a size in MiB ("2048") or with a unit (M, MiB, G, GiB).
func parseSize(s string) (int64, error) {
	num := strings.TrimRight(s, "MGiB")
	unit := s[len(num):]
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n <= 0 {
		return 0, errors.New("not a positive whole number")
	}
	switch unit {
	case "", "M", "MiB":
		n <<= 20
	case "G", "GiB":
		n <<= 30
	default:
		return 0, fmt.Errorf("unknown unit %q", unit)
	}
	if n <= 0 || n > 1<<50 {
		return 0, errors.New("out of range")
	}
	return n, nil
}

// diskSeed is disk.seed, else the build name and epoch, else random.
func (c *Config) diskSeed() string {
	switch {
	case c.Disk.Seed != "":
		return c.Disk.Seed
	case c.SourceDateEpoch != nil:
		return fmt.Sprintf("%s@%d", c.PackerBuildName, *c.SourceDateEpoch)
	}
	return disk.RandomSeed()
}
