package sbom

import (
	"bytes"
	"fmt"
	"strings"
)

// OS is what /etc/os-release says.
type OS struct {
	ID, VersionID, VersionCodename, Name, PrettyName, HomeURL, BugReportURL string
	IDLike                                                                  []string
}

// ParseOSRelease reads os-release(5): shell-style KEY=value lines, the
// value quoted or not, with shell quoting and backslash escapes. Keys it
// does not use are skipped; a file without ID is an error.
func ParseOSRelease(data []byte) (OS, error) {
	var o OS
	err := lines(bytes.NewReader(data), func(n int, line string) error {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			return nil
		}
		key, raw, ok := strings.Cut(line, "=")
		if !ok || !validEnvKey(key) {
			return fmt.Errorf("line %d: %q is not KEY=value", n, short(line))
		}
		v, err := shellWord(raw)
		if err != nil {
			return fmt.Errorf("line %d: %s: %w", n, key, err)
		}
		switch key {
		case "ID":
			o.ID = v
		case "VERSION_ID":
			o.VersionID = v
		case "VERSION_CODENAME":
			o.VersionCodename = v
		case "NAME":
			o.Name = v
		case "PRETTY_NAME":
			o.PrettyName = v
		case "HOME_URL":
			o.HomeURL = v
		case "BUG_REPORT_URL":
			o.BugReportURL = v
		case "ID_LIKE":
			o.IDLike = strings.Fields(v)
		}
		return nil
	})
	if err != nil {
		return OS{}, fmt.Errorf("os-release: %w", err)
	}
	if o.ID == "" {
		return OS{}, fmt.Errorf("os-release: no ID")
	}
	return o, nil
}

func validEnvKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// shellWord unquotes a value as sh would: 'single' quotes are literal,
// inside "double" quotes a backslash escapes only $ ` " \ and newline, and
// outside quotes it escapes any character. Quoted and unquoted parts may
// be joined ("a"'b'c). Unquoted spaces are kept, as os-release readers
// other than sh do.
func shellWord(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return "", fmt.Errorf("unterminated single quote")
			}
			b.WriteString(s[i+1 : i+1+end])
			i += end + 1
		case '"':
			closed := false
			for i++; i < len(s); i++ {
				if s[i] == '"' {
					closed = true
					break
				}
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\\n", s[i+1]) >= 0 {
					i++
				}
				b.WriteByte(s[i])
			}
			if !closed {
				return "", fmt.Errorf("unterminated double quote")
			}
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}
