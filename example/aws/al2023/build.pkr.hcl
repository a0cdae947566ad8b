# Amazon Linux 2023 on AWS, inventoried and signed without CIS results.
#
# The hardening provisioner supports Debian 12, Ubuntu 22.04 and Ubuntu 24.04
# guests only, so this build does not run it. hardening-finalize works on
# rpm distributions: it still cleans the image for capture, scans it for
# leftover secrets and records its SBOMs (from the rpm database) and
# filesystem manifest. hardening-attest then signs the provenance and the
# SBOMs, but there is no CIS statement and no hardening:cis-* tag.
#
#   packer init .
#   packer build -var kms_key=awskms:///arn:aws:kms:eu-west-1:111122223333:alias/image-signing \
#     -var attestation_bucket=acme-attestations .
#
# The verify command requires a CIS statement by default, so verify these
# AMIs with `--require provenance,sbom` (in Terraform, the module's
# require = ["provenance", "sbom"]).
packer {
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = "~> 1.3"
    }
    hardening = {
      source  = "github.com/imagesmith/hardening"
      version = "~> 0.1"
    }
  }
}

variable "region" {
  type        = string
  default     = "eu-west-1"
  description = "Where the instance runs and the first AMI is registered."
}

variable "copy_regions" {
  type        = list(string)
  default     = ["us-east-1"]
  description = "Regions the AMI is copied to (ami_regions); each copy is attested on its own."
}

variable "kms_key" {
  type        = string
  description = "The ECC_NIST_P256 SIGN_VERIFY key that signs: awskms:///alias/NAME, or better for several regions its ARN, awskms:///arn:aws:kms:REGION:ACCOUNT:alias/NAME."

  validation {
    condition     = can(regex("^awskms://", var.kms_key))
    error_message = "The kms_key must be an awskms:// URI, such as awskms:///alias/image-signing."
  }
}

variable "attestation_bucket" {
  type        = string
  description = "S3 bucket for the attestations, keyed by region and AMI ID."
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

  # No provisioner "hardening": it would fail on Amazon Linux, which its
  # catalogue does not cover.

  # Your own provisioners go here.

  provisioner "hardening-finalize" {}

  post-processor "hardening-attest" {
    kms_key       = var.kms_key
    s3_bucket     = var.attestation_bucket
    s3_region     = var.region
    template_path = path.root
    variables = {
      region       = var.region
      copy_regions = join(",", var.copy_regions)
    }
    # Without this the post-processor fails the build, because no CIS
    # results were recorded. With it, provenance and SBOMs are still signed
    # and bound to every AMI, but there is no CIS statement: a policy that
    # requires cis (the verify command's default) rejects these AMIs, so
    # verify them with --require provenance,sbom. Never set this on a build
    # that is meant to be hardened: it would hide a missing CIS run.
    allow_missing_evidence_unsafe = ["cis"]
  }
}
