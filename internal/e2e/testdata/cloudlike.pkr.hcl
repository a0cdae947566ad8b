# A cloud-like Debian 12 root filesystem: what a cloud image has before any
# hardening (kernel, cloud-init, OpenSSH server, sudo). The hardening tests,
# the independent scanner and the Ansible comparison all start from it.
variable "output_directory" {
  type = string
}

source "hardening-rootfs" "cloudlike" {
  bootstrap {
    suite   = "bookworm"
    variant = "minbase"
    packages = [
      "systemd-sysv", "linux-image-amd64", "cloud-init", "openssh-server",
      "sudo", "ca-certificates", "python3", "ifupdown", "iproute2", "procps",
    ]
  }
  source_date_epoch = 1735689600
  output_directory  = var.output_directory
  output_name       = "cloudlike-bookworm.tar"
}

build {
  sources = ["source.hardening-rootfs.cloudlike"]
}
