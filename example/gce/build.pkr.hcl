# Debian 12 on Google Cloud: hardened to CIS Level 1 Server and attested with
# a Cloud KMS key; the attestations go to GCS and the image is labelled with
# where they are.
packer {
  required_plugins {
    googlecompute = {
      source  = "github.com/hashicorp/googlecompute"
      version = ">= 1.1.0"
    }
    hardening = {
      source  = "github.com/imagesmith/hardening"
      version = ">= 0.1.0"
    }
  }
}

variable "project" {
  type        = string
  description = "The project the image is built in and stored in."
}

variable "zone" {
  type    = string
  default = "europe-west1-b"
}

variable "kms_key" {
  type        = string
  description = "An EC_SIGN_P256_SHA256 key, such as gcpkms://projects/P/locations/global/keyRings/images/cryptoKeys/signing."
}

variable "attestation_bucket" {
  type = string
}

source "googlecompute" "debian" {
  project_id              = var.project
  zone                    = var.zone
  source_image_family     = "debian-12"
  source_image_project_id = ["debian-cloud"]
  image_name              = "debian-12-cis-l1-{{timestamp}}"
  image_family            = "debian-12-cis-l1"
  machine_type            = "e2-small"
  ssh_username            = "packer"
}

build {
  sources = ["source.googlecompute.debian"]

  provisioner "hardening" {
    profile = "cis_level1_server"
    cloud   = "gcp"
  }

  provisioner "hardening-finalize" {}

  post-processor "hardening-attest" {
    kms_key       = var.kms_key
    gcs_bucket    = var.attestation_bucket
    gcs_prefix    = "attestations"
    template_path = path.root
    variables = {
      project = var.project
      zone    = var.zone
    }
  }
}
