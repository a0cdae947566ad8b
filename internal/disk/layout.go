package disk

import (
	"crypto/sha256"
	"fmt"
	"os"
	"slices"
	"strings"
)

// Partition geometry, in 512-byte sectors, as in Debian's cloud images: the
// ESP from 1 MiB to 128 MiB, the root partition from 128 MiB to the end.
const (
	sectorSize  = 512
	espStart    = 2048
	espSectors  = 260096 // 127 MiB
	rootStart   = 262144 // 128 MiB
	gptReserved = 2048   // what sfdisk leaves after the last partition (1 MiB, aligned)
	// ESPPartition and RootPartition are the partition numbers.
	ESPPartition  = 15
	RootPartition = 1
)

// Partition type GUIDs.
const (
	espType       = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
	rootTypeAMD64 = "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709" // Linux root (x86-64)
)

// Layout holds the identifiers of one disk, all derived from a seed.
type Layout struct {
	DiskGUID     string
	ESPPartUUID  string
	RootPartUUID string
	// RootFSUUID is the ext4 UUID that fstab and the kernel command line use.
	RootFSUUID string
	HashSeed   string
	// ESPVolumeID is the FAT volume ID as 8 hex digits; ESPUUID is how
	// Linux and GRUB spell it (XXXX-XXXX).
	ESPVolumeID string
	ESPUUID     string
}

// NewLayout derives every identifier from seed: the same seed gives the
// same disk identity, a different seed a different one.
func NewLayout(seed string) Layout {
	id := func(name string) [32]byte {
		return sha256.Sum256([]byte("hardening-rootfs disk v1\x00" + name + "\x00" + seed))
	}
	uuid := func(name string) string {
		b := id(name)
		b[6] = b[6]&0x0f | 0x40 // version 4 layout: random-looking, not time-based
		b[8] = b[8]&0x3f | 0x80
		return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	}
	vol := id("esp-volume-id")
	l := Layout{
		DiskGUID:     uuid("disk"),
		ESPPartUUID:  uuid("esp-partition"),
		RootPartUUID: uuid("root-partition"),
		RootFSUUID:   uuid("root-filesystem"),
		HashSeed:     uuid("root-hash-seed"),
		ESPVolumeID:  fmt.Sprintf("%X", vol[0:4]),
	}
	l.ESPUUID = l.ESPVolumeID[:4] + "-" + l.ESPVolumeID[4:]
	return l
}

// fstabHeader starts the lines WriteFstab owns.
const fstabHeader = "# Written by the hardening-rootfs builder for its disk image: the root\n# and EFI system partitions by filesystem UUID.\n"

// WriteFstab makes root's /etc/fstab mount the disk's root and EFI system
// partitions by UUID, keeping every other entry, and creates /boot/efi. It
// runs before provisioning, so what the provisioners record (the
// filesystem manifest) is what the disk holds.
func WriteFstab(root string, l Layout) error {
	r, err := os.OpenRoot(root)
	if err != nil {
		return fmt.Errorf("open root %s: %w", root, err)
	}
	defer r.Close()
	old, err := r.ReadFile("etc/fstab")
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("read /etc/fstab: %w", err)
	}
	var kept []string
	for _, line := range strings.Split(string(old), "\n") {
		f := strings.Fields(line)
		switch {
		case line != "" && slices.Contains(strings.Split(fstabHeader, "\n"), line):
		case strings.TrimSpace(line) == "# UNCONFIGURED FSTAB FOR BASE SYSTEM":
		case len(f) >= 2 && !strings.HasPrefix(f[0], "#") && (f[1] == "/" || f[1] == "/boot/efi"):
		default:
			kept = append(kept, line)
		}
	}
	body := fstabHeader +
		fmt.Sprintf("UUID=%s / ext4 rw,discard,errors=remount-ro 0 1\n", l.RootFSUUID) +
		fmt.Sprintf("UUID=%s /boot/efi vfat umask=0077,nofail 0 1\n", l.ESPUUID)
	if rest := strings.Trim(strings.Join(kept, "\n"), "\n"); rest != "" {
		body += rest + "\n"
	}
	if err := r.MkdirAll("boot/efi", 0o755); err != nil {
		return fmt.Errorf("create /boot/efi: %w", err)
	}
	if fi, err := r.Lstat("etc/fstab"); err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("/etc/fstab in the image is not a regular file (%s)", fi.Mode().Type())
	}
	if err := r.WriteFile("etc/fstab", []byte(body), 0o644); err != nil {
		return fmt.Errorf("write /etc/fstab: %w", err)
	}
	return nil
}
