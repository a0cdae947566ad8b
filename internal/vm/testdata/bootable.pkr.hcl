# A minimal bootable Debian 12 cloud image, unhardened: what the boot tests
# boot when HARDENING_VM_DISK names no disk built earlier.
variable "output_directory" {
  type = string
}

source "hardening-rootfs" "bootable" {
  bootstrap {
    suite   = "bookworm"
    variant = "minbase"
    packages = [
      "systemd-sysv", "linux-image-cloud-amd64", "grub-efi-amd64-bin",
      "cloud-init", "cloud-guest-utils", "openssh-server", "sudo",
      "ifupdown", "isc-dhcp-client", "iproute2", "netbase",
    ]
  }
  source_date_epoch = 1735689600
  output_directory  = var.output_directory
  disk {
    formats = ["qcow2"]
  }
}

build {
  sources = ["source.hardening-rootfs.bootable"]

  # As in the demo: cloud-init keeps the built-in C.UTF-8 instead of
  # generating en_US.UTF-8, which fails without locale data.
  provisioner "shell" {
    inline = ["printf 'locale: C.UTF-8\\n' > /etc/cloud/cloud.cfg.d/90-locale.cfg"]
  }
}
