// Package gcefake runs in-process HTTP servers that speak the Google Cloud
// JSON APIs the plugin uses (Compute images and global operations, Cloud
// KMS, Cloud Storage through fake-gcs-server), so tests drive the real
// client libraries without a Google Cloud project. The servers record the
// calls they served and can add latency, throttle or fail.
package gcefake
