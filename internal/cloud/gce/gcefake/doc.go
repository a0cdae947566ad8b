// Package gcefake runs in-process HTTP servers that speak the Google Cloud
// JSON protocols the plugin uses, so tests drive the real client libraries
// over HTTP without a Google Cloud project:
//
//   - Compute: Compute Engine v1 images.get, images.setLabels,
//     images.delete and globalOperations.get/wait, under /compute/v1/ as the
//     compute apiv1 REST clients send them (their endpoint is the bare
//     origin; the library adds /compute/v1/).
//   - KMS: Cloud KMS v1 cryptoKeyVersions.list, getPublicKey and
//     asymmetricSign under /v1/, backed by real ECDSA P-256 keys and with
//     the CRC32C integrity fields filled in.
//   - GCS: fake-gcs-server, served on 127.0.0.1 behind a thin recorder.
//
// Every fake records the calls it served and can add latency, throttle
// (429 rateLimitExceeded) or fail, so tests can show how the client copes.
package gcefake
