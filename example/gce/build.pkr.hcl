# Debian 12 on Google Cloud: hardened to CIS Level 1 Server and attested with
# a Cloud KMS key; the attestations go to GCS and the image is labelled with
# where they are.
#
#   packer init .
#   packer build -var project=acme-images \
#     -var kms_key=gcpkms://projects/acme-kms/locations/global/keyRings/images/cryptoKeys/signing \
#     -var attestation_bucket=acme-attestations .
packer {
  required_plugins {
    googlecompute = {
      source  = "github.com/hashicorp/googlecompute"
      version = "~> 1.1"
    }
    hardening = {
      source  = "github.com/imagesmith/hardening"
      version = "~> 0.1"
    }
  }
}

variable "project" {
  type        = string
  description = "The project the image is built in and stored in."
}

variable "zone" {
  type        = string
  default     = "europe-west1-b"
  description = "Where the build instance runs."
}

variable "kms_key" {
  type        = string
  description = "An EC_SIGN_P256_SHA256 key, such as gcpkms://projects/P/locations/global/keyRings/images/cryptoKeys/signing."

  validation {
    condition     = can(regex("^gcpkms://projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+", var.kms_key))
    error_message = "The kms_key must be a gcpkms://projects/.../cryptoKeys/... URI."
  }
}

variable "attestation_bucket" {
  type        = string
  description = "GCS bucket for the attestations, keyed by project and image name."
}

variable "gcs_prefix" {
  type        = string
  default     = "attestations"
  description = "Object prefix in the bucket. It is also written into an image label, so only lowercase letters, digits, '-' and '/'."

  validation {
    condition     = can(regex("^[a-z0-9-]+(/[a-z0-9-]+)*$", var.gcs_prefix))
    error_message = "The gcs_prefix may hold only lowercase letters, digits, '-' and single '/' between segments."
  }
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

  # CIS Level 1 Server; cloud = "gcp" points the time source at the metadata
  # server and records the cloud in the evidence.
  provisioner "hardening" {
    profile = "cis_level1_server"
    cloud   = "gcp"
  }

  # Your own provisioners go here.

  # Last: cleanup for capture, leftover-secret scan, SBOMs and manifest.
  provisioner "hardening-finalize" {}

  # Attestations under gs://<attestation_bucket>/<gcs_prefix>/gce/<project>/<image>/,
  # plus attestations/manifest.json for Terraform (example/terraform).
  post-processor "hardening-attest" {
    kms_key       = var.kms_key
    gcs_bucket    = var.attestation_bucket
    gcs_prefix    = var.gcs_prefix
    template_path = path.root
    # Recorded in the provenance: list only values that may be public.
    variables = {
      project = var.project
      zone    = var.zone
    }
  }
}
