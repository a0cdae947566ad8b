package disk

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"golang.org/x/sys/unix"
)

// Formats are the disk formats Build writes, in the order it writes them.
var Formats = []string{"raw", "qcow2", "gce"}

// Options configure one disk build.
type Options struct {
	// Root is the unpacked root filesystem, with nothing mounted below it.
	// Build clamps its timestamps to Epoch in place.
	Root string
	// Dir receives the disk files; Name is their base name (disk.raw,
	// disk.qcow2, disk.tar.gz for "disk").
	Dir, Name string
	Formats   []string
	// MinSize is the smallest disk size in bytes; the size is the larger of
	// it and what the content needs, rounded up to a whole GiB.
	MinSize int64
	Layout  Layout
	// Epoch is every timestamp of the disk's metadata, and the clamp of the
	// files' times.
	Epoch time.Time
	// Cmdline comes before the image's own GRUB_CMDLINE_LINUX words.
	Cmdline string
	// Progress receives one line per phase.
	Progress func(string)
}

// File is one written disk file.
type File struct {
	Format, Path, ChecksumPath, SHA256 string
	Size                               int64
}

// Result is what Build wrote.
type Result struct {
	Files []File
	// DiskSize is the virtual size of the disk in bytes.
	DiskSize int64
	Boot     *Boot
	// Phases are the durations of each phase, in order.
	Phases []Phase
}

// Phase is a named duration.
type Phase struct {
	Name     string
	Duration time.Duration
}

const gib = 1 << 30

var (
	//go:embed grub.cfg.tmpl
	grubCfgText string
	//go:embed early.cfg.tmpl
	earlyCfgText string
	//go:embed mke2fs.conf
	mke2fsConf []byte

	grubCfg  = template.Must(template.New("grub.cfg").Parse(grubCfgText))
	earlyCfg = template.Must(template.New("early.cfg").Parse(earlyCfgText))
)

// grubModules are built into BOOTX64.EFI, so GRUB needs no module files
// at boot.
var grubModules = []string{
	"part_gpt", "fat", "ext2", "normal", "linux", "configfile", "search",
	"search_fs_uuid", "test", "echo", "gzio", "all_video", "serial",
	"terminal", "boot", "reboot", "halt",
}

// Build writes the disk files of o. Nothing is left behind on failure but
// what was complete before it: partial files are removed.
func Build(ctx context.Context, o Options) (*Result, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	res := &Result{}
	say := func(f string, a ...any) {
		if o.Progress != nil {
			o.Progress(fmt.Sprintf(f, a...))
		}
	}
	t := time.Now()
	phase := func(name string) {
		res.Phases = append(res.Phases, Phase{name, time.Since(t)})
		t = time.Now()
	}

	boot, err := Inspect(o.Root)
	if err != nil {
		return nil, err
	}
	res.Boot = boot
	scratch, err := os.MkdirTemp("", "hardening-disk-")
	if err != nil {
		return nil, fmt.Errorf("create scratch directory: %w", err)
	}
	defer os.RemoveAll(scratch)

	efi, err := o.grubImage(ctx, scratch)
	if err != nil {
		return nil, err
	}
	cfg, err := o.grubConfig(boot)
	if err != nil {
		return nil, err
	}
	phase("bootloader")

	tree, err := prepareTree(o.Root, o.Epoch)
	if err != nil {
		return nil, err
	}
	fsBytes := rootFSSize(tree)
	size := max(roundUp(int64(rootStart+gptReserved)*sectorSize+fsBytes, gib), roundUp(o.MinSize, gib))
	res.DiskSize = size
	rootSectors := size/sectorSize - rootStart - gptReserved
	say("disk of %d GiB: %d files, %d MiB of data in the root filesystem", size/gib, tree.inodes, tree.dataBytes>>20)
	phase("scan")

	raw := filepath.Join(o.Dir, "."+o.Name+".raw.partial")
	ok := false
	defer func() {
		if !ok {
			os.Remove(raw)
		}
	}()
	if err := createSparse(raw, size); err != nil {
		return nil, err
	}
	if err := o.partition(ctx, raw); err != nil {
		return nil, err
	}
	if err := o.writeESP(ctx, raw, scratch, efi, cfg); err != nil {
		return nil, err
	}
	phase("esp")
	if err := o.writeRootFS(ctx, raw, scratch, rootSectors, tree); err != nil {
		return nil, err
	}
	phase("rootfs")

	for _, format := range Formats {
		if !slices.Contains(o.Formats, format) {
			continue
		}
		f, err := o.writeFormat(ctx, format, raw)
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, f)
		say("wrote %s (%s, %d bytes, sha256:%s)", f.Path, format, f.Size, f.SHA256)
		phase(format)
	}
	ok = true
	// The raw format is a second link to the scratch disk; drop the first.
	if err := os.Remove(raw); err != nil {
		return nil, fmt.Errorf("remove %s: %w", raw, err)
	}
	return res, nil
}

func (o *Options) validate() error {
	if len(o.Formats) == 0 {
		return errors.New("no disk format")
	}
	for _, f := range o.Formats {
		if !slices.Contains(Formats, f) {
			return fmt.Errorf("disk format %q: accepted: %s", f, strings.Join(Formats, ", "))
		}
	}
	if o.Name == "" || strings.ContainsRune(o.Name, '/') {
		return fmt.Errorf("disk name %q: want a plain file name", o.Name)
	}
	if o.Epoch.IsZero() {
		return errors.New("disk epoch not set")
	}
	return nil
}

// FileName is the name of format's file for a disk called name.
func FileName(name, format string) string {
	switch format {
	case "gce":
		return name + ".tar.gz"
	default:
		return name + "." + format
	}
}

// grubImage builds BOOTX64.EFI with the image's own grub-mkimage and
// modules. The tool writes into a private directory of the image, which is
// removed again with its parent's times restored.
func (o *Options) grubImage(ctx context.Context, scratch string) (string, error) {
	run := filepath.Join(o.Root, "run")
	before, err := os.Lstat(run)
	if err != nil || !before.IsDir() {
		return "", fmt.Errorf("the image has no /run directory for the bootloader build: %v", err)
	}
	dir, err := os.MkdirTemp(run, "hardening-disk-")
	if err != nil {
		return "", fmt.Errorf("create a work directory in the image's /run: %w", err)
	}
	defer func() {
		os.RemoveAll(dir)
		restoreTimes(run, before)
	}()
	var early bytes.Buffer
	if err := earlyCfg.Execute(&early, o.Layout); err != nil {
		return "", fmt.Errorf("render GRUB's embedded configuration: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "early.cfg"), early.Bytes(), 0o644); err != nil {
		return "", fmt.Errorf("write GRUB's embedded configuration: %w", err)
	}
	in := "/run/" + filepath.Base(dir)
	args := append([]string{"/usr/bin/grub-mkimage", "-O", "x86_64-efi", "-d", "/" + grubModuleDir,
		"-c", in + "/early.cfg", "-p", "/EFI/BOOT", "-o", in + "/BOOTX64.EFI"}, grubModules...)
	if _, err := inChroot(ctx, o.Root, o.epochEnv(), args...); err != nil {
		return "", fmt.Errorf("build the EFI bootloader: %w", err)
	}
	efi := filepath.Join(scratch, "BOOTX64.EFI")
	if err := copyRegular(filepath.Join(dir, "BOOTX64.EFI"), efi); err != nil {
		return "", fmt.Errorf("copy the EFI bootloader out of the image: %w", err)
	}
	return efi, nil
}

func (o *Options) grubConfig(b *Boot) ([]byte, error) {
	cmdline := strings.TrimSpace(o.Cmdline + " " + b.Cmdline)
	if cmdline != "" {
		cmdline = " " + cmdline
	}
	var buf bytes.Buffer
	err := grubCfg.Execute(&buf, map[string]string{
		"RootFSUUID": o.Layout.RootFSUUID, "Name": b.Name, "Cmdline": cmdline,
		"Kernel": b.Kernel, "Initrd": b.Initrd, "OldKernel": b.OldKernel, "OldInitrd": b.OldInitrd,
	})
	if err != nil {
		return nil, fmt.Errorf("render grub.cfg: %w", err)
	}
	return buf.Bytes(), nil
}

func (o *Options) epochEnv() []string {
	return []string{"SOURCE_DATE_EPOCH=" + strconv.FormatInt(o.Epoch.Unix(), 10)}
}

// partition writes the GPT with sfdisk; the root partition takes the rest
// of the disk.
func (o *Options) partition(ctx context.Context, raw string) error {
	l := o.Layout
	script := fmt.Sprintf(`label: gpt
label-id: %s
unit: sectors
first-lba: 2048
sector-size: %d

disk%d : start=%d, size=%d, type=%s, uuid=%s, name="EFI System"
disk%d : start=%d, type=%s, uuid=%s, name="root"
`, l.DiskGUID, sectorSize, ESPPartition, espStart, espSectors, espType, l.ESPPartUUID,
		RootPartition, rootStart, rootTypeAMD64, l.RootPartUUID)
	cmd := exec.CommandContext(ctx, "sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", "--wipe", "always", raw)
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("write the partition table with sfdisk: %w: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

// writeESP formats the EFI system partition in place and copies the
// bootloader and its configuration into EFI/BOOT.
func (o *Options) writeESP(ctx context.Context, raw, scratch, efi string, cfg []byte) error {
	cfgPath := filepath.Join(scratch, "grub.cfg")
	if err := os.WriteFile(cfgPath, cfg, 0o644); err != nil {
		return fmt.Errorf("write grub.cfg: %w", err)
	}
	for _, p := range []string{efi, cfgPath} {
		if err := os.Chtimes(p, o.Epoch, o.Epoch); err != nil {
			return fmt.Errorf("set the time of %s: %w", p, err)
		}
	}
	env := append(os.Environ(), o.epochEnv()...)
	env = append(env, "MTOOLS_SKIP_CHECK=1")
	img := fmt.Sprintf("%s@@%d", raw, espStart*sectorSize)
	steps := [][]string{
		{"mkfs.vfat", "--invariant", "-F", "32", "-S", "512", "-s", "1", "-i", o.Layout.ESPVolumeID, "-n", "EFI",
			"--offset", strconv.Itoa(espStart), raw, strconv.Itoa(espSectors * sectorSize / 1024)},
		{"mmd", "-i", img, "::/EFI", "::/EFI/BOOT"},
		{"mcopy", "-m", "-i", img, efi, "::/EFI/BOOT/BOOTX64.EFI"},
		{"mcopy", "-m", "-i", img, cfgPath, "::/EFI/BOOT/grub.cfg"},
	}
	for _, argv := range steps {
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("write the EFI system partition (%s): %w: %s", argv[0], err, bytes.TrimSpace(out))
		}
	}
	return nil
}

// writeRootFS creates the ext4 root filesystem from the tree in place with
// mke2fs -d, sets the inode change times mke2fs copies from the host to the
// epoch and the access times to the modification times, and checks the
// result with e2fsck.
func (o *Options) writeRootFS(ctx context.Context, raw, scratch string, sectors int64, tree *tree) error {
	conf := filepath.Join(scratch, "mke2fs.conf")
	if err := os.WriteFile(conf, mke2fsConf, 0o644); err != nil {
		return fmt.Errorf("write mke2fs.conf: %w", err)
	}
	offset := int64(rootStart) * sectorSize
	epoch := strconv.FormatInt(o.Epoch.Unix(), 10)
	env := append(os.Environ(), "MKE2FS_CONFIG="+conf, "E2FSPROGS_FAKE_TIME="+epoch)
	cmd := exec.CommandContext(ctx, "mke2fs", "-q", "-F", "-t", "ext4", "-T", "default", "-b", "4096", "-d", o.Root,
		"-U", o.Layout.RootFSUUID,
		"-E", fmt.Sprintf("hash_seed=%s,offset=%d,lazy_itable_init=0,lazy_journal_init=0,nodiscard", o.Layout.HashSeed, offset),
		raw, strconv.FormatInt(sectors*sectorSize/4096, 10))
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("create the root filesystem with mke2fs -d: %w: %s", err, tailString(string(bytes.TrimSpace(out)), 2048))
	}
	dev := fmt.Sprintf("%s?offset=%d", raw, offset)

	// Reading the tree updates access times (mke2fs reads directories
	// after it stats them), so both are set here, from the clamped times.
	var cmds bytes.Buffer
	for i, p := range tree.paths {
		q := strings.ReplaceAll(p, `"`, `""`)
		fmt.Fprintf(&cmds, "sif \"%s\" ctime @%s\nsif \"%s\" atime @%d\n", q, epoch, q, tree.mtimes[i])
	}
	cmdFile := filepath.Join(scratch, "debugfs.cmds")
	if err := os.WriteFile(cmdFile, cmds.Bytes(), 0o600); err != nil {
		return fmt.Errorf("write debugfs commands: %w", err)
	}
	var stderr bytes.Buffer
	cmd = exec.CommandContext(ctx, "debugfs", "-w", "-f", cmdFile, dev)
	cmd.Env = env
	cmd.Stdout = io.Discard
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("set inode change times with debugfs: %w: %s", err, tailString(stderr.String(), 2048))
	}
	if msg := debugfsErrors(stderr.String()); msg != "" {
		return fmt.Errorf("set inode change times with debugfs: %s", tailString(msg, 2048))
	}
	cmd = exec.CommandContext(ctx, "e2fsck", "-f", "-n", dev)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("the new root filesystem does not pass e2fsck -fn: %w: %s", err, tailString(string(bytes.TrimSpace(out)), 2048))
	}
	return nil
}

// debugfsErrors returns the lines of debugfs's stderr other than its
// banner: it reports a failed command there and still exits 0.
func debugfsErrors(stderr string) string {
	var bad []string
	for _, line := range strings.Split(stderr, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "debugfs ") {
			bad = append(bad, line)
		}
	}
	return strings.Join(bad, "; ")
}

func (o *Options) writeFormat(ctx context.Context, format, raw string) (File, error) {
	final := filepath.Join(o.Dir, FileName(o.Name, format))
	partial := final + ".partial"
	defer os.Remove(partial)
	switch format {
	case "raw":
		if err := os.Link(raw, partial); err != nil {
			return File{}, fmt.Errorf("link %s: %w", partial, err)
		}
	case "qcow2":
		cmd := exec.CommandContext(ctx, "qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw, partial)
		if out, err := cmd.CombinedOutput(); err != nil {
			return File{}, fmt.Errorf("convert to qcow2 with qemu-img: %w: %s", err, bytes.TrimSpace(out))
		}
	case "gce":
		if err := writeGCETarball(ctx, raw, partial, o.Epoch); err != nil {
			return File{}, err
		}
	}
	sum, size, err := fileSHA256(partial)
	if err != nil {
		return File{}, err
	}
	if err := os.Rename(partial, final); err != nil {
		return File{}, fmt.Errorf("rename %s: %w", partial, err)
	}
	checksum := final + ".sha256"
	if err := os.WriteFile(checksum, []byte(sum+"  "+filepath.Base(final)+"\n"), 0o644); err != nil {
		return File{}, fmt.Errorf("write %s: %w", checksum, err)
	}
	return File{Format: format, Path: final, ChecksumPath: checksum, SHA256: sum, Size: size}, nil
}

// tree is what prepareTree found.
type tree struct {
	// paths are absolute image paths of every entry, "/" first, and
	// mtimes their clamped modification times.
	paths     []string
	mtimes    []int64
	dataBytes int64 // file, directory and long symlink blocks
	inodes    int64
}

// prepareTree clamps every entry's modification time to epoch and sets its
// access time to the same, so mke2fs copies reproducible times, and
// measures the tree.
func prepareTree(root string, epoch time.Time) (*tree, error) {
	t := &tree{}
	seen := map[[2]uint64]bool{}
	limit := epoch.Unix()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		img := "/" + filepath.ToSlash(rel)
		if rel == "." {
			img = "/"
		}
		if strings.ContainsAny(img, "\n\x00") {
			return fmt.Errorf("file name %q contains a newline: it cannot go into the disk image", img)
		}
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err != nil {
			return fmt.Errorf("stat %s: %w", img, err)
		}
		key := [2]uint64{st.Dev, st.Ino}
		if !seen[key] {
			seen[key] = true
			t.inodes++
			switch st.Mode & unix.S_IFMT {
			case unix.S_IFREG:
				t.dataBytes += roundUp(st.Size, 4096)
			case unix.S_IFDIR:
				t.dataBytes += 4096
			case unix.S_IFLNK:
				if st.Size > 59 {
					t.dataBytes += 4096
				}
			}
		}
		mtime := min(st.Mtim.Sec, limit)
		t.paths = append(t.paths, img)
		t.mtimes = append(t.mtimes, mtime)
		ts := []unix.Timespec{{Sec: mtime}, {Sec: mtime}}
		if err := unix.UtimesNanoAt(unix.AT_FDCWD, p, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return fmt.Errorf("clamp the times of %s: %w", img, err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("prepare the root filesystem: %w", err)
	}
	return t, nil
}

// rootFSSize is an ext4 size that holds the tree with room to spare: data
// and directories plus a tenth, the journal, inode tables (1/64 of the
// filesystem), 5 % reserved blocks and 256 MiB free.
func rootFSSize(t *tree) int64 {
	need := t.dataBytes + t.dataBytes/10 + 128<<20 + 256<<20
	return roundUp(need*100/(100-5-2), 1<<20)
}

func roundUp(n, to int64) int64 {
	return (n + to - 1) / to * to
}

func createSparse(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return fmt.Errorf("size %s: %w", path, err)
	}
	return f.Close()
}

func restoreTimes(path string, fi fs.FileInfo) {
	if st, ok := fi.Sys().(*unix.Stat_t); ok {
		ts := []unix.Timespec{st.Atim, st.Mtim}
		_ = unix.UtimesNanoAt(unix.AT_FDCWD, path, ts, unix.AT_SYMLINK_NOFOLLOW)
	}
}

func copyRegular(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", src)
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, io.LimitReader(in, 64<<20)); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func fileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// RandomSeed is a seed for builds that are not meant to be reproducible.
func RandomSeed() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
