package verifycli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// unsafeRune is what a terminal acts on instead of showing: control
// characters (escape sequences, line breaks), format characters (bidi
// overrides, zero-width characters) and the line and paragraph separators.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// clean returns s safe to print on one line of a terminal: unsafe runes
// are written as \uXXXX and invalid UTF-8 bytes as \xNN. Every string that
// reaches standard output or standard error as text goes through it.
func clean(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, unsafeRune) {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[0])
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[:n])
		}
		s = s[n:]
	}
	return b.String()
}

// cleanLines writes text made of lines: each line is cleaned, the line
// breaks between them kept. The flag package's messages go through it.
type cleanLines struct{ w io.Writer }

func (c cleanLines) Write(p []byte) (int, error) {
	lines := strings.Split(string(p), "\n")
	for i, l := range lines {
		lines[i] = strings.ReplaceAll(clean(l), `\u0009`, "\t")
	}
	if _, err := io.WriteString(c.w, strings.Join(lines, "\n")); err != nil {
		return 0, err
	}
	return len(p), nil
}

// writeJSON prints v as JSON with every unsafe rune escaped as \uXXXX:
// encoding/json leaves DEL, C1 controls and format characters as they are.
// In JSON those can only be inside strings, where the escape means the same.
func writeJSON(w io.Writer, v any, indent bool) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	out := buf.Bytes()
	if bytes.ContainsFunc(out, unsafeRune) {
		var b bytes.Buffer
		for _, r := range string(out) {
			switch {
			case r == '\n':
				b.WriteRune(r)
			case unsafeRune(r) && r > 0xffff:
				r1, r2 := utf16.EncodeRune(r)
				fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
			case unsafeRune(r):
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				b.WriteRune(r)
			}
		}
		out = b.Bytes()
	}
	_, err := w.Write(out)
	return err
}
