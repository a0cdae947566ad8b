# The demo: bootstrap Debian 12 (bookworm) with an SSH server on this machine,
# harden it to CIS Level 1 Server in a chroot with the hardening provisioner,
# seal it for capture and record its SBOMs and filesystem manifest with the
# hardening-finalize provisioner, export a reproducible tarball, and sign
# SLSA provenance, both SBOMs and the CIS results bound to the tarball with the
# hardening-attest post-processor. Run it with
# `make demo` (as root on Linux).
packer {
  required_plugins {
    hardening = {
      source  = "github.com/imagesmith/hardening"
      version = ">= 0.1.0"
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

variable "source_date_epoch" {
  type        = number
  default     = 1735689600 # 2025-01-01T00:00:00Z
  description = "Modification times newer than this are clamped to it, so two builds give the same bytes."
}

source "hardening-rootfs" "debian12" {
  bootstrap {
    suite    = "bookworm"
    variant  = "minbase"
    packages = ["openssh-server", "sudo", "systemd-sysv"]
  }
  source_date_epoch = var.source_date_epoch
  output_directory  = var.output_directory
}

build {
  sources = ["source.hardening-rootfs.debian12"]

  provisioner "hardening" {
    profile      = "cis_level1_server"
    evidence_dir = var.evidence_dir
  }

  # Last: cleanup for capture, leftover-secret scan, SBOMs and manifest.
  provisioner "hardening-finalize" {
    evidence_dir = var.evidence_dir
  }

  # Signs provenance, SBOMs and CIS results as Sigstore bundles bound to the
  # tarball; verify them offline with stock cosign (scripts/demo.sh shows how).
  # The key's password comes from COSIGN_PASSWORD.
  post-processor "hardening-attest" {
    evidence_dir  = var.evidence_dir
    output_dir    = var.attestations_dir
    key_file      = var.signing_key
    template_path = path.root
    variables = {
      source_date_epoch = var.source_date_epoch
    }
  }
}
