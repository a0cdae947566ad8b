package disk

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"slices"
	"strings"
	"syscall"
)

//go:embed grub-cmdline.sh
var grubCmdlineScript string

// chrootPath is PATH for commands run in the image.
const chrootPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// grubModuleDir is where grub-efi-amd64-bin installs GRUB's EFI modules.
const grubModuleDir = "usr/lib/grub/x86_64-efi"

// Boot is what the image boots with, as found in its root filesystem.
type Boot struct {
	// Kernel and Initrd are image paths GRUB loads (a /vmlinuz symlink
	// that kernel upgrades keep current, when the image has one).
	Kernel, Initrd string
	// Fallback kernel and initramfs (/vmlinuz.old), if any.
	OldKernel, OldInitrd string
	// Name is the image's PRETTY_NAME, for the boot menu.
	Name string
	// Cmdline is the image's GRUB_CMDLINE_LINUX and _DEFAULT.
	Cmdline string
	// Growpart says whether cloud-init can grow the root partition.
	Growpart bool
}

// ErrNotBootable means the image lacks what a disk needs to boot.
var ErrNotBootable = errors.New("the root filesystem cannot boot as a disk image")

// Inspect finds the kernel, initramfs and GRUB in root and reads the
// image's kernel command line. It changes nothing.
func Inspect(root string) (*Boot, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("open root %s: %w", root, err)
	}
	defer r.Close()
	b := &Boot{}
	var missing []string

	kernels := versions(r, "boot", "vmlinuz-")
	b.Kernel, b.Initrd = bootPair(r, "vmlinuz", "initrd.img", kernels)
	if b.Kernel == "" {
		missing = append(missing, "a kernel (/boot/vmlinuz-*): add linux-image-amd64 or linux-image-cloud-amd64")
	} else if b.Initrd == "" {
		missing = append(missing, "an initramfs for "+b.Kernel+" (/boot/initrd.img-*): add initramfs-tools")
	}
	if b.Kernel != "" && b.Initrd != "" {
		if k, i := bootPair(r, "vmlinuz.old", "initrd.img.old", nil); k != "" && i != "" {
			b.OldKernel, b.OldInitrd = k, i
		}
	}
	if !isFile(r, grubModuleDir+"/normal.mod") || !isFile(r, "usr/bin/grub-mkimage") {
		missing = append(missing, "GRUB for UEFI (/"+grubModuleDir+", grub-mkimage): add grub-efi-amd64-bin")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: it has no %s", ErrNotBootable, strings.Join(missing, "; no "))
	}
	b.Growpart = isFile(r, "usr/bin/growpart")
	b.Name = prettyName(r)

	out, err := inChroot(context.Background(), root, nil, "/bin/sh", "-c", grubCmdlineScript)
	if err != nil {
		return nil, fmt.Errorf("read the kernel command line from /etc/default/grub: %w", err)
	}
	b.Cmdline = strings.Join(strings.Fields(string(out)), " ")
	if !SafeCmdline(b.Cmdline) {
		return nil, fmt.Errorf("the image's GRUB_CMDLINE_LINUX %q contains characters GRUB would interpret (quotes, $, ;, braces, backslash)", b.Cmdline)
	}
	return b, nil
}

// SafeCmdline says whether s can stand in grub.cfg's linux line as it is:
// no quotes, $, ;, braces, backslash or newline, which GRUB would interpret.
func SafeCmdline(s string) bool { return !strings.ContainsAny(s, "\"'\\$;{}`\n") }

// bootPair returns the kernel and initramfs GRUB should load: the image's
// /<link> and /<initrdLink> symlinks (or those in /boot) when they resolve
// to files, else the newest versioned pair of the list.
func bootPair(r *os.Root, link, initrdLink string, kernels []string) (string, string) {
	for _, dir := range []string{"", "boot/"} {
		if isLink(r, dir+link) && isFile(r, dir+link) {
			if isFile(r, dir+initrdLink) {
				return "/" + dir + link, "/" + dir + initrdLink
			}
			return "/" + dir + link, ""
		}
	}
	for i := len(kernels) - 1; i >= 0; i-- {
		v := kernels[i]
		if isFile(r, "boot/initrd.img-"+v) {
			return "/boot/vmlinuz-" + v, "/boot/initrd.img-" + v
		}
	}
	if len(kernels) > 0 {
		return "/boot/vmlinuz-" + kernels[len(kernels)-1], ""
	}
	return "", ""
}

// versions lists the suffixes of dir/prefix* regular files, oldest first by
// a version-aware order.
func versions(r *os.Root, dir, prefix string) []string {
	f, err := r.Open(dir)
	if err != nil {
		return nil
	}
	defer f.Close()
	names, _ := f.Readdirnames(-1)
	var vs []string
	for _, n := range names {
		if v, ok := strings.CutPrefix(n, prefix); ok && isFile(r, path.Join(dir, n)) {
			vs = append(vs, v)
		}
	}
	slices.SortFunc(vs, compareVersions)
	return vs
}

// compareVersions orders kernel versions numerically where they are
// numbers (6.1.0-9 before 6.1.0-28).
func compareVersions(a, b string) int {
	for a != "" && b != "" {
		na, ra := leadingNumber(a)
		nb, rb := leadingNumber(b)
		if na >= 0 && nb >= 0 {
			if na != nb {
				return na - nb
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func leadingNumber(s string) (int, string) {
	i := 0
	n := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' && i < 9 {
		n = n*10 + int(s[i]-'0')
		i++
	}
	if i == 0 {
		return -1, s
	}
	return n, s[i:]
}

func isFile(r *os.Root, name string) bool {
	fi, err := r.Stat(name) // follows symlinks, inside the root only
	return err == nil && fi.Mode().IsRegular()
}

func isLink(r *os.Root, name string) bool {
	fi, err := r.Lstat(name)
	return err == nil && fi.Mode()&fs.ModeSymlink != 0
}

func prettyName(r *os.Root) string {
	for _, p := range []string{"etc/os-release", "usr/lib/os-release"} {
		b, err := r.ReadFile(p)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
				v = strings.Trim(v, `"'`)
				v = strings.Map(func(c rune) rune {
					if c < ' ' || strings.ContainsRune(`"'\$`+"`", c) {
						return -1
					}
					return c
				}, v)
				if v != "" {
					return v
				}
			}
		}
	}
	return "Linux"
}

// inChroot runs argv inside root with a clean environment and returns its
// standard output; stderr is part of the error.
func inChroot(ctx context.Context, root string, env []string, argv ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
	cmd.Dir = "/"
	cmd.Env = append([]string{"PATH=" + chrootPath, "LC_ALL=C"}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("%s in the image: %w: %s", argv[0], err, strings.TrimSpace(tailString(stderr.String(), 2048)))
	}
	return out, nil
}

func tailString(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
