// Package descriptor defines the canonical image descriptor: the JSON
// document that stands in for a cloud image as the subject of its
// attestations. Cloud images have no content digest, so the descriptor's
// sha256 is the subject digest. It holds only immutable facts of the image,
// so the same image always gives the same bytes.
package descriptor
