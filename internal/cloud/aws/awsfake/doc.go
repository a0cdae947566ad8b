// Package awsfake runs in-process HTTP servers that speak the AWS wire
// protocols the plugin uses, so tests drive the real AWS SDK clients of
// package aws without an AWS account or a network:
//
//   - EC2: the Query protocol (DescribeImages, CreateTags, DeleteTags) with
//     XML answers and errors in EC2's shape, images per region, the region
//     of a request taken from its SigV4 credential scope. Knobs: Latency,
//     Throttle (HTTP 503 RequestLimitExceeded, retried by the SDK), Fail (a
//     non-retryable error such as UnauthorizedOperation) and FailTags.
//   - KMS: the JSON 1.1 protocol (GetPublicKey, Sign, DescribeKey) with
//     real keys, over HTTP and HTTPS. Knob: Latency.
//   - S3: gofakes3 with an in-memory backend. Knobs: Latency and
//     SetBucketRegion (S3's redirect to a bucket's region).
//
// Every server records the calls it served. Start runs all three for one
// test and Env.Config points an aws.Client at them.
package awsfake
