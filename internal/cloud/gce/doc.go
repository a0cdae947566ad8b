// Package gce is the plugin's only user of the Google Cloud client
// libraries: Compute image facts and labels, Cloud Storage uploads and
// Cloud KMS signing, behind a small context-first Client. Credentials come
// from Application Default Credentials; throttled and failed calls are
// retried with jittered exponential backoff.
package gce
