# Ubuntu 24.04 on AWS: built in one region, copied to the others, hardened to
# CIS Level 1 Server, and attested for every region's AMI with an AWS KMS
# key; the attestations go to S3 and each AMI is tagged with where they are.
#
#   packer init .
#   packer build -var kms_key=awskms:///arn:aws:kms:eu-west-1:111122223333:alias/image-signing \
#     -var attestation_bucket=acme-attestations .
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
  default     = ["us-east-1", "us-west-2"]
  description = "Regions the AMI is copied to (ami_regions); each copy is attested on its own."
}

variable "kms_key" {
  type        = string
  description = "The ECC_NIST_P256 SIGN_VERIFY key that signs: awskms:///alias/NAME, or better for several regions its ARN, awskms:///arn:aws:kms:REGION:ACCOUNT:alias/NAME, which names the key's region wherever it is verified."

  validation {
    condition     = can(regex("^awskms://", var.kms_key))
    error_message = "The kms_key must be an awskms:// URI, such as awskms:///alias/image-signing."
  }
}

variable "attestation_bucket" {
  type        = string
  description = "S3 bucket for the attestations, keyed by region and AMI ID."
}

source "amazon-ebs" "ubuntu" {
  region        = var.region
  ami_regions   = var.copy_regions
  ami_name      = "ubuntu-2404-cis-l1-{{timestamp}}"
  instance_type = "t3.small"
  ssh_username  = "ubuntu"
  source_ami_filter {
    filters = {
      name                = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"
      virtualization-type = "hvm"
    }
    owners      = ["099720109477"] # Canonical
    most_recent = true
  }
}

build {
  sources = ["source.amazon-ebs.ubuntu"]

  # CIS Level 1 Server; cloud = "aws" points the time source at the Amazon
  # Time Sync Service and records the cloud in the evidence.
  provisioner "hardening" {
    profile = "cis_level1_server"
    cloud   = "aws"
  }

  # Your own provisioners go here.

  # Last: cleanup for capture, leftover-secret scan, SBOMs and manifest.
  provisioner "hardening-finalize" {}

  # One set of attestations per region's AMI, under
  # s3://<attestation_bucket>/attestations/aws/<region>/<ami>/, plus
  # attestations/manifest.json for Terraform (example/terraform).
  post-processor "hardening-attest" {
    kms_key       = var.kms_key
    s3_bucket     = var.attestation_bucket
    s3_region     = var.region
    template_path = path.root
    # Recorded in the provenance: list only values that may be public.
    variables = {
      region       = var.region
      copy_regions = join(",", var.copy_regions)
    }
  }
}
