// Package aws is the plugin's only user of the AWS SDK: EC2 image facts and
// tags, S3 uploads and AWS KMS signing, behind a small context-first Client.
// Credentials come from the SDK's standard chain; throttled calls are
// retried with jittered exponential backoff.
package aws
