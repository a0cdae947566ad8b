# verified-image returns an image ID from the hardening-attest manifest only
# after `packer-plugin-hardening verify` has checked its attestations: every
# signature against the trusted key, the binding of every statement to this
# exact image as the cloud describes it now, and the policy (by default
# provenance, SBOM and CIS verified, no unwaived Level 1 failure). The command
# exits non-zero on any failure, which fails the plan, so nothing downstream
# is created from an unverified image.
#
# The external data source runs the command on every plan and refresh, on
# the machine running Terraform, with its cloud credentials (it reads the
# image from EC2 or Compute and the public key from KMS when public_key is a
# KMS URI). The attestations are read from the directory Packer wrote next
# to manifest.json (<output_directory>/<build>/<provider>/<location>/<image>/);
# copy the whole output directory, not manifest.json alone, or add
# ["--location", "s3://..." or "gs://..."] to policy_args.

terraform {
  required_version = ">= 1.2.0" # lifecycle postconditions

  required_providers {
    external = {
      source  = "hashicorp/external"
      version = ">= 2.3.0"
    }
  }
}

variable "manifest_path" {
  type        = string
  description = "The attest manifest.json (hardening-attest's output_directory/manifest.json)."
}

variable "build" {
  type        = string
  description = "The Packer build name in the manifest (the source name, such as \"ubuntu\")."
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
  description = "The plugin binary that carries the verify command (a path, or a name on PATH)."
}

variable "require" {
  type        = list(string)
  default     = ["provenance", "sbom", "cis"]
  description = "Statements that must verify: provenance, sbom (CycloneDX or SPDX), cyclonedx, spdx, cis. Only images built without the hardening provisioner (Amazon Linux 2023) need [\"provenance\", \"sbom\"]."

  validation {
    condition     = length(var.require) > 0 && alltrue([for r in var.require : contains(["provenance", "sbom", "cyclonedx", "spdx", "cis"], r)])
    error_message = "The require list needs at least one of provenance, sbom, cyclonedx, spdx and cis, and nothing else."
  }
}

variable "policy_args" {
  type        = list(string)
  default     = []
  description = "Extra verify flags, such as [\"--min-level\", \"2\", \"--max-age\", \"720h\"]. Each check requires the statement it reads. Give statements in require, not here."

  validation {
    # A later --require would replace the module's.
    condition     = !anytrue([for a in var.policy_args : can(regex("^--?require($|=)", a))])
    error_message = "Give the required statements in the require variable, not as --require in policy_args."
  }
}

locals {
  manifest = jsondecode(file(var.manifest_path))
  # The manifest is only a pointer: the image ID is used once the command
  # has verified it, and must be the one the command verified.
  image = local.manifest.builds[var.build].images[var.location]
}

data "external" "verify" {
  program = concat([var.plugin_binary, "verify", "--terraform", "--key", var.public_key, "--manifest", var.manifest_path, "--build", var.build, "--location-key", var.location, "--require", join(",", var.require)], var.policy_args)

  lifecycle {
    postcondition {
      condition     = self.result.verified == "true" && self.result.image_id == local.image.image_id
      error_message = "The image's attestations did not verify, or the verified image is not the manifest's."
    }
  }
}

output "image_id" {
  value       = data.external.verify.result.image_id
  description = "The verified AMI ID or GCE image name."
}

output "subject_sha256" {
  value       = data.external.verify.result.subject_sha256
  description = "The sha256 of the verified image descriptor, the subject of every statement."
}
