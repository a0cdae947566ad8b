# verified-image returns an image ID from the hardening-attest manifest only
# after the verify command has checked its attestations: signatures against
# the trusted key, the binding to this exact image as the cloud reports it
# now, and the policy. Any failure fails the plan.

terraform {
  required_providers {
    external = {
      source  = "hashicorp/external"
      version = ">= 2.3.0"
    }
  }
}

variable "manifest_path" {
  type        = string
  description = "The attest manifest.json (hardening-attest's output_dir/manifest.json)."
}

variable "build" {
  type        = string
  description = "The Packer build name in the manifest."
}

variable "location" {
  type        = string
  description = "The AWS region or GCE project of the image in the manifest."
}

variable "public_key" {
  type        = string
  description = "The trusted public key: a PEM file, awskms://... or gcpkms://..."
}

variable "plugin_binary" {
  type        = string
  default     = "packer-plugin-hardening"
  description = "The plugin binary that carries the verify command."
}

variable "policy_args" {
  type        = list(string)
  default     = []
  description = "Extra policy flags, such as [\"--min-level\", \"2\", \"--max-age\", \"720h\"]."
}

locals {
  manifest = jsondecode(file(var.manifest_path))
  image    = local.manifest.builds[var.build].images[var.location]
}

data "external" "verify" {
  program = concat([
    var.plugin_binary, "verify", "--terraform",
    "--key", var.public_key,
    "--manifest", var.manifest_path,
    "--build", var.build,
    "--location-key", var.location,
  ], var.policy_args)

  lifecycle {
    postcondition {
      condition     = self.result.verified == "true" && self.result.image_id == local.image.image_id
      error_message = "The image's attestations did not verify."
    }
  }
}

output "image_id" {
  value       = data.external.verify.result.image_id
  description = "The verified AMI ID or GCE image name."
}

output "subject_sha256" {
  value       = data.external.verify.result.subject_sha256
  description = "The sha256 of the verified image descriptor."
}
