# The demo: bootstrap a Debian 12 (bookworm) cloud image on this machine
# (kernel, GRUB, cloud-init, SSH server), harden it to CIS Level 1 Server in a
# chroot with the hardening provisioner, seal it for capture and record its
# SBOMs and filesystem manifest with the hardening-finalize provisioner,
# export a reproducible tarball and a bootable disk image (qcow2 for QEMU, raw
# for AWS, the GCE import tarball), and sign SLSA provenance, both SBOMs and
# the CIS results bound to each of them with the hardening-attest
# post-processor. Run it with `make demo` (as root on Linux), boot the disk
# with `make boot`.
packer {
  required_plugins {
    hardening = {
      source  = "github.com/imagesmith/hardening"
      version = "~> 0.1"
    }
  }
}

variable "output_directory" {
  type        = string
  default     = "output"
  description = "Where the tarball and its checksum are written."
}

variable "evidence_dir" {
  type        = string
  default     = "evidence"
  description = "Where the evidence (CIS results, JUnit XML, SBOMs, filesystem manifest, the scripts that ran) is written."
}

variable "attestations_dir" {
  type        = string
  default     = "attestations"
  description = "Where the signed attestations (Sigstore bundles), the public key and manifest.json are written."
}

variable "signing_key" {
  type        = string
  default     = "keys/cosign.key"
  description = "The private key that signs the attestations: a cosign key pair (scripts/demo.sh makes one with `cosign generate-key-pair`), a PEM key, or use kms_key instead."
}

variable "disk_formats" {
  type        = list(string)
  default     = ["qcow2", "raw", "gce"]
  description = "Disk image formats: qcow2 (QEMU, `make boot`), raw (AWS import-snapshot, amazon-import) and gce (disk.raw in a tar.gz for GCE image import)."
}

variable "source_date_epoch" {
  type        = number
  default     = 1735689600 # 2025-01-01T00:00:00Z
  description = "Modification times newer than this are clamped to it, so two builds give the same bytes."
}

source "hardening-rootfs" "debian12" {
  bootstrap {
    suite   = "bookworm"
    variant = "minbase"
    packages = [
      "systemd-sysv", "linux-image-cloud-amd64", "grub-efi-amd64-bin",
      "cloud-init", "cloud-guest-utils", "openssh-server", "sudo",
      "ifupdown", "isc-dhcp-client", "iproute2", "netbase",
    ]
  }
  source_date_epoch = var.source_date_epoch
  output_directory  = var.output_directory

  # A bootable disk next to the tarball: GPT, EFI system partition with the
  # image's GRUB, ext4 root that cloud-init grows at first boot.
  disk {
    formats = var.disk_formats
  }
}

build {
  sources = ["source.hardening-rootfs.debian12"]

  # The image has no locales package: cloud-init's locale module keeps the
  # built-in C.UTF-8 instead of generating en_US.UTF-8 at every first boot.
  provisioner "shell" {
    inline = ["printf 'locale: C.UTF-8\\n' > /etc/cloud/cloud.cfg.d/90-locale.cfg"]
  }

  provisioner "hardening" {
    profile      = "cis_level1_server"
    evidence_dir = var.evidence_dir
  }

  # Last: cleanup for capture, leftover-secret scan, SBOMs and manifest.
  provisioner "hardening-finalize" {
    evidence_dir = var.evidence_dir
  }

  # Signs provenance, SBOMs and CIS results as Sigstore bundles bound to the
  # tarball and to each disk file; verify them offline with stock cosign
  # (scripts/demo.sh shows how).
  # The key's password comes from COSIGN_PASSWORD.
  post-processor "hardening-attest" {
    evidence_dir     = var.evidence_dir
    output_directory = var.attestations_dir
    key_file         = var.signing_key
    template_path    = path.root
    variables = {
      source_date_epoch = var.source_date_epoch
    }
  }
}
