package manifest

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// ListingFormat is the find -printf format whose output ParseListing reads:
// metadata fields, then the path and the link target, each NUL-terminated
// so that no file name can break a record.
const ListingFormat = `%y\t%m\t%U\t%G\t%s\t%p\0%l\0`

// ParseListing reads `find / ... -printf ListingFormat` output.
func ParseListing(data []byte) ([]Entry, error) {
	out := make([]Entry, 0, bytes.Count(data, []byte{0})/2)
	for n := 1; len(data) > 0; n++ {
		rec, rest, ok := bytes.Cut(data, []byte{0})
		if !ok {
			return nil, fmt.Errorf("listing record %d: no NUL after the path", n)
		}
		target, rest, ok := bytes.Cut(rest, []byte{0})
		if !ok {
			return nil, fmt.Errorf("listing record %d: no NUL after the link target", n)
		}
		data = rest
		f := strings.SplitN(string(rec), "\t", 6)
		if len(f) != 6 {
			return nil, fmt.Errorf("listing record %d: want 6 tab-separated fields, got %d", n, len(f))
		}
		if len(f[0]) != 1 || !validType(f[0][0]) {
			if f[0] == "D" { // Solaris doors cannot exist on Linux; be explicit anyway
				continue
			}
			return nil, fmt.Errorf("listing record %d: type %q: want one of f d l c b p s", n, truncate(f[0]))
		}
		e := Entry{Type: f[0][0], Path: f[5], Size: -1}
		mode, err := strconv.ParseUint(f[1], 8, 32)
		if err != nil || mode > 0o7777 {
			return nil, fmt.Errorf("listing record %d: mode %q is not octal permission bits", n, truncate(f[1]))
		}
		e.Mode = uint32(mode)
		uid, err1 := strconv.ParseUint(f[2], 10, 32)
		gid, err2 := strconv.ParseUint(f[3], 10, 32)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("listing record %d: owner %q:%q is not numeric", n, truncate(f[2]), truncate(f[3]))
		}
		e.UID, e.GID = uint32(uid), uint32(gid)
		if e.Type == 'f' {
			if e.Size, err = strconv.ParseInt(f[4], 10, 64); err != nil || e.Size < 0 {
				return nil, fmt.Errorf("listing record %d: size %q is not a byte count", n, truncate(f[4]))
			}
		}
		if !strings.HasPrefix(e.Path, "/") {
			return nil, fmt.Errorf("listing record %d: path %q is not absolute", n, truncate(e.Path))
		}
		if e.Type == 'l' {
			e.Target = string(target)
		}
		out = append(out, e)
	}
	return out, nil
}

// ParseHashes reads sha256sum output: with zero, `sha256sum -z` records
// ("<hex>  <path>\0", names unescaped); otherwise classic lines, where a
// leading backslash means the name has \\ and \n escapes.
func ParseHashes(data []byte, zero bool) (map[string]string, error) {
	sep := byte('\n')
	if zero {
		sep = 0
	}
	out := map[string]string{}
	for n := 1; len(data) > 0; n++ {
		rec, rest, ok := bytes.Cut(data, []byte{sep})
		if !ok {
			return nil, fmt.Errorf("hash record %d: not terminated", n)
		}
		data = rest
		s := string(rec)
		escaped := !zero && strings.HasPrefix(s, `\`)
		if escaped {
			s = s[1:]
		}
		sum, name, ok := strings.Cut(s, "  ")
		if !ok || !isHex64(sum) {
			return nil, fmt.Errorf("hash record %d: %q is not \"<sha256>  <path>\"", n, truncate(s))
		}
		if escaped {
			var err error
			if name, err = unescapeSum(name); err != nil {
				return nil, fmt.Errorf("hash record %d: %w", n, err)
			}
		}
		out[name] = sum
	}
	return out, nil
}

func unescapeSum(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 == len(s) {
			return "", fmt.Errorf("dangling backslash in %q", truncate(s))
		}
		i++
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			return "", fmt.Errorf("unknown escape \\%c in %q", s[i], truncate(s))
		}
	}
	return b.String(), nil
}

// Build joins the listing and the hashes into a sorted manifest. A regular
// file without a hash is an error, unless vanishedOK (the hashing reported
// files that disappeared between listing and hashing): those entries are
// dropped and returned. Build reuses list's storage.
func Build(list []Entry, hashes map[string]string, vanishedOK bool) (*Manifest, []string, error) {
	// Entries are filtered in place: list is not used afterwards.
	m := &Manifest{Entries: list[:0]}
	var vanished []string
	for _, e := range list {
		if e.Type == 'f' {
			sum, ok := hashes[e.Path]
			if !ok {
				if !vanishedOK {
					return nil, nil, fmt.Errorf("no sha256 for %q", truncate(e.Path))
				}
				vanished = append(vanished, e.Path)
				continue
			}
			e.SHA256 = sum
		}
		m.Entries = append(m.Entries, e)
	}
	m.Sort()
	for i := 1; i < len(m.Entries); i++ {
		if m.Entries[i].Path == m.Entries[i-1].Path {
			return nil, nil, fmt.Errorf("%q is listed twice", truncate(m.Entries[i].Path))
		}
	}
	return m, vanished, nil
}
