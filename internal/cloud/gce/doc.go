// Package gce is the plugin's only user of the Google Cloud client
// libraries: Compute image facts and labels, Cloud Storage uploads and
// Cloud KMS signing, behind a small context-first Client. It uses the
// libraries' REST (HTTP/JSON) transports, never gRPC, so that one HTTP
// client serves every API and the local fakes in gcefake can stand in for
// Google in tests. Credentials come from Application Default Credentials;
// throttled calls and server errors are retried with jittered exponential
// backoff.
package gce
