# Launch only an AMI whose attestations verify: the module fails the plan
# otherwise, so nothing below is created from an unverified image.
#
# Copy the Packer run's attestations/ directory (manifest.json and the
# per-image directories) next to this file, put packer-plugin-hardening on
# PATH, then terraform init && terraform plan.

terraform {
  required_version = ">= 1.2.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "region" {
  type        = string
  default     = "eu-west-1"
  description = "The region to deploy in; the manifest must hold an AMI for it."
}

variable "public_key" {
  type        = string
  default     = "awskms:///arn:aws:kms:eu-west-1:111122223333:alias/image-signing"
  description = "The key the AMIs were signed with. The ARN form names the key's region, so it works for AMIs copied to other regions."
}

provider "aws" {
  region = var.region
}

module "image" {
  source        = "../modules/verified-image"
  manifest_path = "${path.module}/attestations/manifest.json"
  build         = "ubuntu"
  location      = var.region
  public_key    = var.public_key
  # Reject builds older than 30 days. The check runs on every plan, so past
  # that age every plan fails until a newer image is built and its
  # attestations are copied here.
  policy_args = ["--max-age", "720h"]
}

resource "aws_launch_template" "web" {
  name_prefix   = "web-"
  image_id      = module.image.image_id
  instance_type = "t3.small"
}

resource "aws_instance" "bastion" {
  ami           = module.image.image_id
  instance_type = "t3.micro"
}
