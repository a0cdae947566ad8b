// Package vm boots a disk image in QEMU the way a cloud would: through the
// image's own UEFI bootloader (OVMF), with a NoCloud seed that makes
// cloud-init create a key-only user with passwordless sudo, and SSH
// forwarded to 127.0.0.1. The disk is never written: QEMU runs on a qcow2
// overlay in a private directory that Close removes with the VM.
//
// KVM is used when /dev/kvm works and the guest really runs under it;
// otherwise (no /dev/kvm, or nested KVM that stops the guest with "KVM
// internal error") the VM runs under TCG.
package vm
