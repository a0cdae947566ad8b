# Boot only a GCE image whose attestations verify: the module fails the plan
# otherwise, so nothing below is created from an unverified image.
#
# Copy the Packer run's attestations/ directory (manifest.json and the
# per-image directories) next to this file, put packer-plugin-hardening on
# PATH, then terraform init && terraform plan.

terraform {
  required_version = ">= 1.2.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5.0"
    }
  }
}

variable "project" {
  type        = string
  description = "The project the image was built in and the instance runs in."
}

variable "zone" {
  type    = string
  default = "europe-west1-b"
}

variable "public_key" {
  type        = string
  default     = "gcpkms://projects/acme-kms/locations/global/keyRings/images/cryptoKeys/signing"
  description = "The key the images were signed with."
}

provider "google" {
  project = var.project
  zone    = var.zone
}

module "image" {
  source        = "../modules/verified-image"
  manifest_path = "${path.module}/attestations/manifest.json"
  build         = "debian"
  location      = var.project
  public_key    = var.public_key
}

resource "google_compute_instance" "web" {
  name         = "web-1"
  machine_type = "e2-small"

  boot_disk {
    initialize_params {
      image = "projects/${var.project}/global/images/${module.image.image_id}"
    }
  }

  network_interface {
    network = "default"
  }
}
