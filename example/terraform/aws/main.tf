# Launch only an AMI whose attestations verify: the module fails the plan
# otherwise, so nothing below is created from an unverified image.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

provider "aws" {
  region = var.region
}

module "image" {
  source        = "../modules/verified-image"
  manifest_path = "${path.module}/attestations/manifest.json"
  build         = "ubuntu"
  location      = var.region
  public_key    = "awskms:///alias/image-signing"
  policy_args   = ["--max-age", "720h"]
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
