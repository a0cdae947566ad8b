# The tag filter pattern: find the newest AMI whose tags claim it passed.
#
# Tags are pointers, never proof: anyone allowed ec2:CreateTags can write
# hardening:cis-passed = true on any AMI. Use the filter to find a candidate,
# never to trust it; the verified-image module is the gate.

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
  description = "A candidate only: verify it before use."
}
