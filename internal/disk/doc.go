// Package disk turns an unpacked root filesystem into a bootable,
// byte-reproducible VM disk image, the way the distributions' cloud images
// are laid out: GPT, an EFI system partition (partition 15) holding the
// image's own GRUB as EFI/BOOT/BOOTX64.EFI with its configuration, and an
// ext4 root partition (partition 1) that the image's cloud-init grows to the
// disk at first boot.
//
// Nothing is mounted: the partition table is written with sfdisk, the ESP
// with mkfs.vfat and mtools, and the root filesystem with mke2fs -d, each
// directly at its offset in the disk file. Every identifier (disk GUID,
// partition UUIDs, filesystem UUID and hash seed, FAT volume ID) is derived
// from a seed, and every timestamp from the build's epoch, so the same inputs
// give the same bytes. Formats: raw, qcow2 (qemu-img) and GCE's import
// tarball (disk.raw in a GNU tar, gzip).
package disk
