// Package attest builds in-toto statements, signs them as DSSE envelopes
// packaged in Sigstore bundles v0.3 (public-key form), and verifies them.
// It signs with any crypto.Signer (a key file, a cloud KMS), so key
// handling stays with the caller.
package attest
