# Ubuntu 24.04 on AWS: built in one region, copied to the others, hardened to
# CIS Level 1 Server, and attested for every region's AMI with an AWS KMS
# key; the attestations go to S3 and each AMI is tagged with where they are.
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
  type        = string
  default     = "eu-west-1"
  description = "Where the instance runs and the first AMI is registered."
}

variable "copy_regions" {
  type        = list(string)
  default     = ["us-east-1", "us-west-2"]
  description = "Regions the AMI is copied to; each copy is attested on its own."
}

variable "kms_key" {
  type        = string
  description = "The ECC_NIST_P256 SIGN_VERIFY key that signs, such as awskms:///alias/image-signing."
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

  provisioner "hardening" {
    profile = "cis_level1_server"
    cloud   = "aws"
  }

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
  }
}
