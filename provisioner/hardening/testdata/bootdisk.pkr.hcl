# A bootable cloud-like Debian 12 disk image (qcow2) from the cloud-like
# rootfs tarball: what a cloud image has on top of it (GRUB for EFI, a DHCP
# client, growpart) and the packages Level 2 installs, installed in the
# chroot at native speed (in a guest under emulation the package step alone
# takes minutes). With audit_only (the booted tests' starting point) the
# hardening provisioner only audits: the disk is unhardened. Otherwise it is
# hardened in the chroot, as the demo is (scripts/measure-firstboot.sh
# compares the first boots of both).

variable "source_tarball" {
  type = string
}

variable "output_directory" {
  type = string
}

variable "temp_directory" {
  type = string
}

variable "evidence_dir" {
  type = string
}

variable "profile" {
  type    = string
  default = "cis_level1_server"
}

variable "audit_only" {
  type    = bool
  default = true
}

locals {
  packages = [
    "grub-efi-amd64-bin", "isc-dhcp-client", "cloud-guest-utils", "netbase",
    "aide", "aide-common", "apparmor", "apparmor-utils", "auditd", "audispd-plugins",
    "chrony", "cron", "libpam-pwquality", "nftables", "systemd-journal-remote",
  ]
}

source "hardening-rootfs" "bootdisk" {
  source_tarball    = var.source_tarball
  source_date_epoch = 1735689600
  output_directory  = var.output_directory
  temp_directory    = var.temp_directory
  disk {
    formats = ["qcow2"]
  }
}

build {
  sources = ["source.hardening-rootfs.bootdisk"]

  provisioner "shell" {
    inline = [
      "export DEBIAN_FRONTEND=noninteractive",
      "apt-get update -q",
      "apt-get install -q -y --no-install-recommends ${join(" ", local.packages)}",
      "printf 'locale: C.UTF-8\\n' > /etc/cloud/cloud.cfg.d/90-locale.cfg",
      "apt-get clean",
    ]
  }

  provisioner "hardening" {
    profile      = var.profile
    audit_only   = var.audit_only
    fail_on      = var.audit_only ? "none" : "level1"
    evidence_dir = var.evidence_dir
  }
}
