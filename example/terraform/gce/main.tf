# Boot only a GCE image whose attestations verify.

terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5.0"
    }
  }
}

variable "project" {
  type = string
}

variable "zone" {
  type    = string
  default = "europe-west1-b"
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
  public_key    = "gcpkms://projects/acme-kms/locations/global/keyRings/images/cryptoKeys/signing"
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
