# Amazon Linux 2023 on AWS. The hardening catalogue covers Debian 12 and
# Ubuntu 22.04/24.04 only, so this build records and signs what it can: the
# SBOM (from the rpm database), the filesystem manifest and the provenance.
# There is no CIS statement, so verify it with
# `--require provenance,sbom`.
packer {
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = ">= 1.3.0"
    }
    hardening = {
      source  = "github.com/imagesmith/hardening"
      version = ">= 0.1.0"
    }
  }
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "copy_regions" {
  type    = list(string)
  default = ["us-east-1"]
}

variable "kms_key" {
  type        = string
  description = "The ECC_NIST_P256 SIGN_VERIFY key that signs, such as awskms:///alias/image-signing."
}

variable "attestation_bucket" {
  type = string
}

source "amazon-ebs" "al2023" {
  region        = var.region
  ami_regions   = var.copy_regions
  ami_name      = "al2023-inventoried-{{timestamp}}"
  instance_type = "t3.small"
  ssh_username  = "ec2-user"
  source_ami_filter {
    filters = {
      name                = "al2023-ami-2023.*-x86_64"
      virtualization-type = "hvm"
    }
    owners      = ["137112412989"] # Amazon
    most_recent = true
  }
}

build {
  sources = ["source.amazon-ebs.al2023"]

  provisioner "hardening-finalize" {}

  post-processor "hardening-attest" {
    kms_key       = var.kms_key
    s3_bucket     = var.attestation_bucket
    s3_region     = var.region
    template_path = path.root
    # No hardening provisioner ran: attest without CIS results, on purpose.
    allow_missing_evidence_unsafe = ["cis"]
  }
}
