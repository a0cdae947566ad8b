# The tag filter pattern: find the newest AMI whose tags claim it passed.
#
# !!! TAGS ARE POINTERS, NEVER PROOF !!!
# Anyone allowed ec2:CreateTags on an AMI can write
# hardening:cis-passed = true on it, on any AMI, hardened or not. Use this
# filter to find a candidate, never to trust it, and never feed
# data.aws_ami.candidate.id to an instance directly: the verified-image
# module (main.tf) is the gate, because it checks signed attestations
# against your key and the AMI's live facts.

data "aws_ami" "candidate" {
  most_recent = true
  owners      = ["self"]

  filter {
    name   = "tag:hardening:cis-passed"
    values = ["true"]
  }

  filter {
    name   = "tag:hardening:cis-profile"
    values = ["cis_level1_server"]
  }
}

output "candidate_ami" {
  value       = data.aws_ami.candidate.id
  description = "A candidate only, found from tags anyone may write: verify it before use."
}
