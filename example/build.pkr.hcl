# The demo: bootstrap Debian 12 (bookworm) minbase on this machine, provision
# it in a chroot and export a reproducible tarball. Run it with `make demo`
# (as root on Linux).
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

variable "source_date_epoch" {
  type        = number
  default     = 1735689600 # 2025-01-01T00:00:00Z
  description = "Modification times newer than this are clamped to it, so two builds give the same bytes."
}

source "hardening-rootfs" "debian12" {
  bootstrap {
    suite   = "bookworm"
    variant = "minbase"
  }
  source_date_epoch = var.source_date_epoch
  output_directory  = var.output_directory
}

build {
  sources = ["source.hardening-rootfs.debian12"]

  provisioner "shell" {
    inline = [
      "echo 'Built by packer-plugin-hardening (hardening-rootfs demo)' > /etc/motd",
      ". /etc/os-release && echo \"provisioned $PRETTY_NAME in a chroot\"",
    ]
  }
}
