package rootfs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// Build-time noise: files whose content depends on when or where the build
// ran rather than on what was installed. Removing or emptying them is what
// makes two builds of the same template byte-identical.
var (
	// emptyDirs keep the directory and lose its contents.
	emptyDirs = []string{"var/lib/apt/lists", "var/cache/apt/archives", "tmp", "var/tmp"}
	// keepInEmptied survive in those directories (recreated empty if a
	// directory).
	keepInEmptied = map[string]bool{"var/lib/apt/lists/partial": true, "var/lib/apt/lists/lock": true, "var/cache/apt/archives/partial": true, "var/cache/apt/archives/lock": true}
	removeFiles   = []string{
		"var/cache/apt/pkgcache.bin", "var/cache/apt/srcpkgcache.bin",
		"var/cache/debconf/config.dat-old", "var/cache/debconf/templates.dat-old", "var/cache/debconf/passwords.dat-old",
		"var/cache/ldconfig/aux-cache", "var/lib/systemd/random-seed",
		"var/lib/dpkg/status-old", "var/lib/dpkg/diversions-old", "var/lib/dpkg/statoverride-old",
		"etc/passwd-", "etc/group-", "etc/shadow-", "etc/gshadow-", "etc/subuid-", "etc/subgid-",
	}
	// truncateTrees have every regular file below them emptied but kept, so
	// ownership and modes services expect stay in place.
	truncateTrees = []string{"var/log"}
)

// stepNormalize removes build-time noise from the tree before export.
type stepNormalize struct{}

func (s *stepNormalize) Run(_ context.Context, state multistep.StateBag) multistep.StepAction {
	ui := state.Get("ui").(packersdk.Ui)
	root := state.Get("root").(string)
	n, err := normalize(root)
	if err != nil {
		return halt(state, fmt.Errorf("normalise the root filesystem: %w", err))
	}
	ui.Say(fmt.Sprintf("Normalised build-time noise (apt lists and caches, logs, machine-id, temporary files): %d entries changed.", n))
	return multistep.ActionContinue
}

func (s *stepNormalize) Cleanup(multistep.StateBag) {}

func normalize(root string) (int, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return 0, fmt.Errorf("open root %s: %w", root, err)
	}
	defer r.Close()
	changed := 0
	for _, dir := range emptyDirs {
		n, err := emptyDir(r, dir)
		changed += n
		if err != nil {
			return changed, err
		}
	}
	for _, f := range removeFiles {
		fi, err := r.Lstat(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return changed, fmt.Errorf("inspect /%s: %w", f, err)
		}
		if fi.IsDir() {
			continue
		}
		if err := r.Remove(f); err != nil {
			return changed, fmt.Errorf("remove /%s: %w", f, err)
		}
		changed++
	}
	for _, tree := range truncateTrees {
		n, err := truncateTree(r, tree)
		changed += n
		if err != nil {
			return changed, err
		}
	}
	// An empty machine-id makes systemd generate a fresh one at first boot,
	// so clones of the image do not share it. A real file in dbus's location
	// would pin the old one.
	if fi, err := r.Lstat("etc/machine-id"); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
		if err := truncateFile(r, "etc/machine-id"); err != nil {
			return changed, err
		}
		changed++
	}
	if fi, err := r.Lstat("var/lib/dbus/machine-id"); err == nil && fi.Mode().IsRegular() {
		if err := r.Remove("var/lib/dbus/machine-id"); err != nil {
			return changed, fmt.Errorf("remove /var/lib/dbus/machine-id: %w", err)
		}
		changed++
	}
	return changed, nil
}

// emptyDir removes everything in dir except the names in keepInEmptied, whose
// own contents are emptied when they are directories.
func emptyDir(r *os.Root, dir string) (int, error) {
	fi, err := r.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("inspect /%s: %w", dir, err)
	}
	if !fi.IsDir() {
		return 0, nil
	}
	entries, err := readDir(r, dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		p := path.Join(dir, e.Name())
		if keepInEmptied[p] {
			if e.IsDir() {
				m, err := emptyDir(r, p)
				n += m
				if err != nil {
					return n, err
				}
			}
			continue
		}
		if err := r.RemoveAll(p); err != nil {
			return n, fmt.Errorf("remove /%s: %w", p, err)
		}
		n++
	}
	return n, nil
}

func truncateTree(r *os.Root, dir string) (int, error) {
	n := 0
	err := fs.WalkDir(r.FS(), dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == dir {
			return fs.SkipAll
		}
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if fi.Size() == 0 {
			return nil
		}
		if err := truncateFile(r, p); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("truncate logs under /%s: %w", dir, err)
	}
	return n, nil
}

func truncateFile(r *os.Root, name string) error {
	f, err := r.OpenFile(name, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return fmt.Errorf("truncate /%s: %w", name, err)
	}
	return f.Close()
}

func readDir(r *os.Root, dir string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(r.FS(), strings.TrimSuffix(dir, "/"))
	if err != nil {
		return nil, fmt.Errorf("read /%s: %w", dir, err)
	}
	return entries, nil
}
