package attest

import "encoding/base64"

// secretForms are the ways a secret could appear in a file we write: as is,
// and inside base64 at each of the three alignments (DSSE payloads).
func secretForms(secret string) [][]byte {
	forms := [][]byte{[]byte(secret)}
	for pad := 0; pad < 3; pad++ {
		enc := base64.StdEncoding.EncodeToString(append(make([]byte, pad), secret...))
		// Drop the characters that depend on the padding bytes and the tail.
		start := (pad*8 + 5) / 6
		end := len(enc) - 4
		if end > start+8 {
			forms = append(forms, []byte(enc[start:end]))
		}
	}
	return forms
}
