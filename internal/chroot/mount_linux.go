package chroot

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// mountSpec is one pseudo-filesystem mounted for the build.
type mountSpec struct {
	target string // relative to the root
	fstype string
	source string
	flags  uintptr
	data   string
}

// pseudoMounts are mounted in this order and unmounted in reverse. /sys is
// read-only so nothing in the chroot can reconfigure the host's kernel.
var pseudoMounts = []mountSpec{
	{"proc", "proc", "proc", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, ""},
	{"sys", "sysfs", "sysfs", unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, ""},
	{"dev", "tmpfs", "hardening-dev", unix.MS_NOSUID | unix.MS_NOEXEC, "mode=0755,size=16m"},
	{"dev/pts", "devpts", "devpts", unix.MS_NOSUID | unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5"},
	{"dev/shm", "tmpfs", "hardening-shm", unix.MS_NOSUID | unix.MS_NODEV, "mode=1777"},
	{"run", "tmpfs", "hardening-run", unix.MS_NOSUID | unix.MS_NODEV, "mode=0755"},
}

// devNodes are created in the private /dev: the ones every package manager and
// shell script expects, and nothing that reaches host hardware.
var devNodes = []struct {
	name         string
	major, minor uint32
}{
	{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
}

var devLinks = [][2]string{
	{"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
	{"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"},
}

// Mount mounts the pseudo-filesystems under root. On error, whatever was
// mounted is unmounted again before returning.
func Mount(root string) error {
	root, err := canonicalRoot(root)
	if err != nil {
		return err
	}
	for _, m := range pseudoMounts {
		target := filepath.Join(root, m.target)
		if err := ensureDir(root, m.target); err != nil {
			_ = Unmount(root)
			return err
		}
		if err := unix.Mount(m.source, target, m.fstype, m.flags, m.data); err != nil {
			_ = Unmount(root)
			return fmt.Errorf("mount %s on %s: %w", m.fstype, target, err)
		}
		// Keep our mounts out of other mount namespaces' view and vice versa.
		_ = unix.Mount("", target, "", unix.MS_PRIVATE, "")
		if m.target == "dev" {
			if err := populateDev(target); err != nil {
				_ = Unmount(root)
				return err
			}
		}
	}
	return nil
}

// ensureDir makes sure rel exists under root as a real directory. A symlink in
// its place is refused: mounting through it could cover a host directory.
func ensureDir(root, rel string) error {
	cur := root
	for _, part := range strings.Split(rel, "/") {
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if err := os.Mkdir(cur, 0o755); err != nil {
				return fmt.Errorf("create mount point %s: %w", cur, err)
			}
		case err != nil:
			return fmt.Errorf("inspect mount point %s: %w", cur, err)
		case fi.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("mount point %s is a symlink; refusing to mount through it", cur)
		case !fi.IsDir():
			return fmt.Errorf("mount point %s is not a directory", cur)
		}
	}
	return nil
}

func populateDev(dev string) error {
	for _, n := range devNodes {
		p := filepath.Join(dev, n.name)
		if err := unix.Mknod(p, unix.S_IFCHR|0o666, int(unix.Mkdev(n.major, n.minor))); err != nil {
			return fmt.Errorf("create device %s: %w", p, err)
		}
		// mknod honours the umask; the nodes must be world-usable.
		if err := os.Chmod(p, 0o666); err != nil {
			return fmt.Errorf("chmod %s: %w", p, err)
		}
	}
	for _, l := range devLinks {
		if err := os.Symlink(l[1], filepath.Join(dev, l[0])); err != nil {
			return fmt.Errorf("create %s: %w", filepath.Join(dev, l[0]), err)
		}
	}
	for _, d := range []string{"pts", "shm"} {
		if err := os.Mkdir(filepath.Join(dev, d), 0o755); err != nil {
			return fmt.Errorf("create %s: %w", filepath.Join(dev, d), err)
		}
	}
	return nil
}

// Unmount kills every process whose root is root, then unmounts everything
// mounted at or below root, deepest first, including mounts a provisioner made
// itself. It is safe to call when nothing is mounted.
func Unmount(root string) error {
	root, err := canonicalRoot(root)
	if err != nil {
		return err
	}
	if err := KillProcesses(root); err != nil {
		return err
	}
	var errs []error
	for attempt := 0; attempt < 3; attempt++ {
		mounts, err := MountsUnder(root)
		if err != nil {
			return err
		}
		if len(mounts) == 0 {
			return nil
		}
		errs = errs[:0]
		for _, m := range mounts {
			if err := unix.Unmount(m, unix.UMOUNT_NOFOLLOW); err != nil && !errors.Is(err, unix.EINVAL) {
				// Busy: detach it so it disappears from the tree now and is
				// released by the kernel when its last user goes.
				if derr := unix.Unmount(m, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW); derr != nil {
					errs = append(errs, fmt.Errorf("unmount %s: %w", m, err))
				}
			}
		}
	}
	if mounts, _ := MountsUnder(root); len(mounts) > 0 {
		errs = append(errs, fmt.Errorf("still mounted under %s: %s; unmount them by hand with `umount -R %s`", root, strings.Join(mounts, ", "), root))
	}
	return errors.Join(errs...)
}

// MountsUnder lists the mount points at or below root in this mount
// namespace, deepest first.
func MountsUnder(root string) ([]string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, fmt.Errorf("read mount table: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mp := unescapeMountinfo(fields[4])
		if mp == root || strings.HasPrefix(mp, root+"/") {
			out = append(out, mp)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read mount table: %w", err)
	}
	sort.Slice(out, func(i, j int) bool {
		di, dj := strings.Count(out[i], "/"), strings.Count(out[j], "/")
		if di != dj {
			return di > dj
		}
		return out[i] > out[j]
	})
	return out, nil
}

// unescapeMountinfo decodes the octal escapes (\040 for space and so on) the
// kernel uses in /proc/self/mountinfo.
func unescapeMountinfo(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// KillProcesses sends SIGKILL to every process whose root directory is root
// and waits briefly for them to go, so that nothing started in the chroot
// (a daemon a package forgot to keep down) outlives the build or keeps its
// mounts busy.
func KillProcesses(root string) error {
	root, err := canonicalRoot(root)
	if err != nil {
		return err
	}
	for attempt := 0; attempt < 50; attempt++ {
		pids := processesIn(root)
		if len(pids) == 0 {
			return nil
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if pids := processesIn(root); len(pids) > 0 {
		return fmt.Errorf("processes still running in %s after SIGKILL: %v", root, pids)
	}
	return nil
}

func processesIn(root string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	self := os.Getpid()
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		link, err := os.Readlink(filepath.Join("/proc", e.Name(), "root"))
		if err != nil {
			continue
		}
		if link == root || strings.HasPrefix(link, root+"/") {
			pids = append(pids, pid)
		}
	}
	return pids
}

// canonicalRoot resolves root to the absolute, symlink-free path the kernel
// reports in mountinfo and /proc/PID/root.
func canonicalRoot(root string) (string, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("resolve root %s: %w", root, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("resolve root %s: %w", root, err)
	}
	if real == "/" {
		return "", fmt.Errorf("refusing to use / as a chroot")
	}
	return real, nil
}
