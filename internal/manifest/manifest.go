// Package manifest builds the filesystem manifest of an image: one canonical
// line per file, directory, symlink or special file, sorted by path, with
// type, mode, owner, size, sha256 and link target. The sha256 of the encoded
// manifest is the image's content digest; anyone can recompute it from a
// running instance with the same listing and compare.
//
// Format (v1), one entry per line after the header lines starting with '#':
//
//	<type> <mode> <uid> <gid> <size> <sha256> <path>[ -> <target>]
//
// type is f (regular), d, l (symlink), c, b, p (fifo) or s (socket); mode is
// four octal digits (setuid, setgid and sticky included); size and sha256 are
// "-" for everything but regular files (directory sizes depend on the
// filesystem, not the content). Paths and targets escape every byte outside
// 0x21-0x7e, and the backslash, as \xHH, so each is one space-free token.
// Entries are sorted by the bytes of the unescaped path.
package manifest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Header is the first line of every v1 manifest.
const Header = "# packer-plugin-hardening fs-manifest v1"

const columns = "# type mode uid gid size sha256 path [-> target]"

// Entry is one filesystem object.
type Entry struct {
	Type   byte
	Mode   uint32
	UID    uint32
	GID    uint32
	Size   int64  // regular files; -1 otherwise
	SHA256 string // regular files: lower-case hex
	Path   string
	Target string // symlinks
}

// Manifest is a sorted list of entries.
type Manifest struct {
	Entries []Entry
}

// Stats counts a manifest's entries.
type Stats struct {
	Entries  int   `json:"entries"`
	Files    int   `json:"files"`
	Dirs     int   `json:"directories"`
	Symlinks int   `json:"symlinks"`
	Other    int   `json:"other"`
	Bytes    int64 `json:"bytes"`
}

// Stats counts entries by type and sums the sizes of regular files.
func (m *Manifest) Stats() Stats {
	s := Stats{Entries: len(m.Entries)}
	for _, e := range m.Entries {
		switch e.Type {
		case 'f':
			s.Files++
			s.Bytes += e.Size
		case 'd':
			s.Dirs++
		case 'l':
			s.Symlinks++
		default:
			s.Other++
		}
	}
	return s
}

func validType(t byte) bool { return strings.IndexByte("fdlcbps", t) >= 0 }

// Sort orders entries by path bytes.
func (m *Manifest) Sort() {
	sort.Slice(m.Entries, func(i, j int) bool { return m.Entries[i].Path < m.Entries[j].Path })
}

// Encode writes the canonical form; entries must be sorted and unique.
func (m *Manifest) Encode() []byte {
	var b bytes.Buffer
	b.Grow(len(m.Entries) * 120)
	b.WriteString(Header + "\n" + columns + "\n")
	// Appended by hand, not with fmt: this is most of the host's work for a
	// large image.
	var num []byte
	for _, e := range m.Entries {
		b.WriteByte(e.Type)
		b.WriteByte(' ')
		num = strconv.AppendUint(num[:0], uint64(e.Mode), 8)
		for i := len(num); i < 4; i++ {
			b.WriteByte('0')
		}
		b.Write(num)
		b.WriteByte(' ')
		b.Write(strconv.AppendUint(num[:0], uint64(e.UID), 10))
		b.WriteByte(' ')
		b.Write(strconv.AppendUint(num[:0], uint64(e.GID), 10))
		if e.Type == 'f' {
			b.WriteByte(' ')
			b.Write(strconv.AppendInt(num[:0], e.Size, 10))
			b.WriteString(" " + e.SHA256 + " ")
		} else {
			b.WriteString(" - - ")
		}
		writeEscaped(&b, e.Path)
		if e.Type == 'l' {
			b.WriteString(" -> ")
			writeEscaped(&b, e.Target)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// Digest is the manifest's content digest, "sha256:<hex>".
func Digest(encoded []byte) string {
	sum := sha256.Sum256(encoded)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Escape makes a path one printable, space-free token.
func Escape(s string) string {
	var b bytes.Buffer
	writeEscaped(&b, s)
	return b.String()
}

func writeEscaped(b *bytes.Buffer, s string) {
	const hexDigits = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '\\' {
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
			continue
		}
		b.WriteByte(c)
	}
}

// Unescape reverses Escape.
func Unescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			if c < 0x21 || c > 0x7e {
				return "", fmt.Errorf("unescaped byte 0x%02x", c)
			}
			b.WriteByte(c)
			continue
		}
		if i+3 >= len(s) || s[i+1] != 'x' {
			return "", fmt.Errorf("bad escape at byte %d", i)
		}
		v, err := strconv.ParseUint(s[i+2:i+4], 16, 8)
		if err != nil {
			return "", fmt.Errorf("bad escape at byte %d", i)
		}
		b.WriteByte(byte(v))
		i += 3
	}
	return b.String(), nil
}

// Decode reads an encoded manifest and checks that it is canonical: a
// re-encoding gives the same bytes.
func Decode(r io.Reader) (*Manifest, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	m := &Manifest{}
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if line == 1 {
			if t != Header {
				return nil, fmt.Errorf("line 1: %q is not a v1 manifest header", truncate(t))
			}
			continue
		}
		if strings.HasPrefix(t, "#") {
			continue
		}
		e, err := decodeLine(t)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if n := len(m.Entries); n > 0 && m.Entries[n-1].Path >= e.Path {
			return nil, fmt.Errorf("line %d: %q is out of order or repeated", line, truncate(e.Path))
		}
		m.Entries = append(m.Entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	if line == 0 {
		return nil, fmt.Errorf("empty manifest")
	}
	return m, nil
}

func decodeLine(t string) (Entry, error) {
	f := strings.Split(t, " ")
	if len(f) != 7 && len(f) != 9 {
		return Entry{}, fmt.Errorf("want 7 fields (9 for a symlink), got %d", len(f))
	}
	var e Entry
	if len(f[0]) != 1 || !validType(f[0][0]) {
		return e, fmt.Errorf("type %q: want one of f d l c b p s", truncate(f[0]))
	}
	e.Type = f[0][0]
	mode, err := strconv.ParseUint(f[1], 8, 32)
	if err != nil || len(f[1]) != 4 || mode > 0o7777 {
		return e, fmt.Errorf("mode %q: want four octal digits", truncate(f[1]))
	}
	e.Mode = uint32(mode)
	uid, err1 := strconv.ParseUint(f[2], 10, 32)
	gid, err2 := strconv.ParseUint(f[3], 10, 32)
	if err1 != nil || err2 != nil || strconv.FormatUint(uid, 10) != f[2] || strconv.FormatUint(gid, 10) != f[3] {
		return e, fmt.Errorf("owner %q %q: want decimal uid and gid", truncate(f[2]), truncate(f[3]))
	}
	e.UID, e.GID = uint32(uid), uint32(gid)
	e.Size = -1
	if e.Type == 'f' {
		size, err := strconv.ParseInt(f[4], 10, 64)
		if err != nil || size < 0 || strconv.FormatInt(size, 10) != f[4] {
			return e, fmt.Errorf("size %q: want a decimal byte count", truncate(f[4]))
		}
		if !isHex64(f[5]) {
			return e, fmt.Errorf("sha256 %q: want 64 lower-case hex digits", truncate(f[5]))
		}
		e.Size, e.SHA256 = size, f[5]
	} else if f[4] != "-" || f[5] != "-" {
		return e, fmt.Errorf("size and sha256 must be - for type %c", e.Type)
	}
	if e.Path, err = Unescape(f[6]); err != nil || Escape(e.Path) != f[6] {
		return e, fmt.Errorf("path %q is not canonically escaped", truncate(f[6]))
	}
	if !strings.HasPrefix(e.Path, "/") {
		return e, fmt.Errorf("path %q is not absolute", truncate(f[6]))
	}
	if (e.Type == 'l') != (len(f) == 9) {
		return e, fmt.Errorf("only symlinks have a target")
	}
	if e.Type == 'l' {
		if f[7] != "->" {
			return e, fmt.Errorf("want -> before the link target")
		}
		if e.Target, err = Unescape(f[8]); err != nil || Escape(e.Target) != f[8] {
			return e, fmt.Errorf("target %q is not canonically escaped", truncate(f[8]))
		}
	}
	return e, nil
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
