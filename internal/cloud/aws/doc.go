// Package aws is the plugin's only user of the AWS SDK: EC2 image facts and
// tags, S3 uploads and downloads, and signing with AWS KMS keys, behind a
// small context-first Client.
//
// Credentials come from the SDK's standard chain (or Config.Profile), and
// nothing is called until a method is. Every API call is retried on
// throttling and 5xx answers with jittered exponential backoff, per call,
// so that many regions described at once do not share one retry budget.
// Errors name the region and the image, object or key they concern, never
// a credential.
package aws
