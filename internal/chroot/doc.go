// Package chroot runs commands inside a root filesystem on the local machine:
// it mounts the pseudo-filesystems a package manager expects (proc, sys, a
// private dev with devpts, a tmpfs /run), provides a packersdk.Communicator
// whose commands and file transfers all happen inside the chroot, and tears
// everything down again, killing leftover processes first.
//
// File transfers run `sh`, `cat` and `tar` inside the chroot instead of
// writing through host paths, so a symlink in the guest (absolute or not)
// resolves the way it would on the booted image and never onto the host.
package chroot
