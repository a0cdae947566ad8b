package sbom

import (
	"bytes"
	"fmt"
	"strings"
)

// OS is what os-release says.
type OS struct {
	ID, VersionID, VersionCodename, Name, PrettyName, HomeURL, BugReportURL string
	IDLike                                                                  []string
}

// ParseOSRelease reads os-release: KEY=value lines, values optionally
// quoted, with backslash escapes inside double quotes.
func ParseOSRelease(data []byte) (OS, error) {
	var o OS
	err := lines(bytes.NewReader(data), func(n int, line string) error {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			return nil
		}
		key, raw, ok := strings.Cut(line, "=")
		if !ok {
			return fmt.Errorf("os-release line %d: %q is not KEY=value", n, short(line))
		}
		v, err := unquote(raw)
		if err != nil {
			return fmt.Errorf("os-release line %d: %s: %w", n, key, err)
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
		return o, err
	}
	if o.ID == "" {
		return o, fmt.Errorf("os-release has no ID")
	}
	if o.PrettyName == "" {
		o.PrettyName = strings.TrimSpace(o.Name + " " + o.VersionID)
	}
	return o, nil
}

func unquote(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	switch s[0] {
	case '\'':
		if len(s) < 2 || s[len(s)-1] != '\'' {
			return "", fmt.Errorf("unterminated quote")
		}
		return s[1 : len(s)-1], nil
	case '"':
		if len(s) < 2 || s[len(s)-1] != '"' {
			return "", fmt.Errorf("unterminated quote")
		}
		var b strings.Builder
		in := s[1 : len(s)-1]
		for i := 0; i < len(in); i++ {
			if in[i] == '\\' && i+1 < len(in) {
				i++
			}
			b.WriteByte(in[i])
		}
		return b.String(), nil
	}
	return s, nil
}

func short(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
