// Package awsfake runs in-process HTTP servers that speak the AWS wire
// protocols the plugin uses (EC2 Query/XML, KMS JSON 1.1, S3 REST through
// gofakes3), so tests drive the real AWS SDK without an AWS account. Every
// server records the calls it served and can add latency, throttle or fail.
package awsfake
