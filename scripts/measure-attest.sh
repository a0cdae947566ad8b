#!/usr/bin/env bash
# measure-attest.sh measures hardening-attest with Go benchmarks:
#   - the whole post-processing of a 20-region AMI build (EC2 DescribeImages,
#     signing with AWS KMS, S3 publishing, tags), the real AWS SDK talking to
#     local EC2, KMS and S3 endpoints that add 50 ms to every request;
#   - sign + verify of one bundle with a local key, for a provenance-sized
#     and an SBOM-sized predicate.
# No cloud account or root needed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export GOTOOLCHAIN=local
go test -run '^$' -bench 'BenchmarkAttest20Regions' -benchtime "${BENCHTIME:-5x}" -benchmem ./post-processor/attest/
go test -run '^$' -bench 'BenchmarkSignVerify' -benchtime "${BENCHTIME_SIGN:-200x}" -benchmem ./internal/attest/
