package manifest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// tree makes files whose names need escaping, a symlink, a setuid file, a
// fifo and a hard link.
func tree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, data string, mode os.FileMode) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), mode); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Chmod(p, uint32(mode)); err != nil { // raw bits: os.Chmod maps 0o4000 differently
			t.Fatal(err)
		}
	}
	write("etc/hosts", "127.0.0.1 localhost\n", 0o644)
	write("usr/bin/su", "not really su", 0o4755)
	write("with space/tab\tand\nnewline", "x", 0o600)
	write("back\\slash/caf\xc3\xa9", "", 0o640)
	write("empty", "", 0o644)
	if err := os.Symlink("../etc/hosts", filepath.Join(dir, "usr/hosts-link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(dir, "etc/hosts"), filepath.Join(dir, "etc/hosts.hard")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Chmod(filepath.Join(dir, "with space"), 0o1777); err != nil {
		t.Fatal(err)
	}
	return dir
}

// walk is the Go implementation, with paths as seen from the host.
func walk(t *testing.T, root string) *Manifest {
	t.Helper()
	m, err := Walk(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Entries {
		m.Entries[i].Path = strings.TrimSuffix(root+m.Entries[i].Path, "/")
	}
	m.Sort()
	return m
}

// TestGuestCommands runs the real find and sha256sum the guest script runs
// and checks the result against a Go walk of the same tree.
func TestGuestCommands(t *testing.T) {
	for _, tool := range []string{"find", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	root := tree(t)
	listing, err := exec.Command("find", root, "-printf", ListingFormat).Output()
	if err != nil {
		t.Fatal(err)
	}
	files, err := exec.Command("find", root, "-type", "f", "-print0").Output()
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Split(strings.TrimSuffix(string(files), "\x00"), "\x00")
	for _, zero := range []bool{true, false} {
		flags := []string{"--"}
		if zero {
			flags = []string{"-z", "--"}
		}
		sums, err := exec.Command("sha256sum", append(flags, args...)...).Output()
		if err != nil {
			t.Fatal(err)
		}
		list, err := ParseListing(listing)
		if err != nil {
			t.Fatal(err)
		}
		hashes, err := ParseHashes(sums, zero)
		if err != nil {
			t.Fatalf("zero=%v: %v", zero, err)
		}
		got, vanished, err := Build(list, hashes, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(vanished) != 0 {
			t.Fatalf("vanished %q", vanished)
		}
		want := walk(t, root)
		if g, w := string(got.Encode()), string(want.Encode()); g != w {
			t.Fatalf("zero=%v: guest commands and Go walk disagree:\n%s\nwant:\n%s", zero, g, w)
		}
		st := got.Stats()
		if st.Files != 6 || st.Symlinks != 1 || st.Other != 1 {
			t.Fatalf("stats %+v: want 6 files, 1 symlink, 1 fifo", st)
		}
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	m := walk(t, tree(t))
	enc := m.Encode()
	if !bytes.HasPrefix(enc, []byte(Header+"\n")) {
		t.Fatalf("no header:\n%s", enc)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(enc)), "\n")[2:] {
		if strings.ContainsAny(l, "\t\r") || strings.Count(l, " ") != 6 && strings.Count(l, " ") != 8 {
			t.Fatalf("line %q is not one token per field", l)
		}
	}
	back, err := Decode(bytes.NewReader(enc))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.Encode(), enc) {
		t.Fatalf("round trip changed the manifest")
	}
	if !strings.Contains(string(enc), `with\x20space/tab\x09and\x0anewline`) || !strings.Contains(string(enc), `back\x5cslash/caf\xc3\xa9`) {
		t.Fatalf("escaping:\n%s", enc)
	}
	if !strings.Contains(string(enc), "f 4755 ") || !strings.Contains(string(enc), "d 1777 ") {
		t.Fatalf("special mode bits lost:\n%s", enc)
	}
}

func TestDigestChangesWithOneByte(t *testing.T) {
	root := tree(t)
	before := Digest(walk(t, root).Encode())
	if again := Digest(walk(t, root).Encode()); again != before {
		t.Fatalf("digest not stable: %s then %s", before, again)
	}
	p := filepath.Join(root, "etc/hosts")
	b, _ := os.ReadFile(p)
	b[0] = '2'
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	after := walk(t, root).Encode()
	if Digest(after) == before {
		t.Fatal("digest did not change when one byte changed")
	}
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	if Digest(walk(t, root).Encode()) == Digest(after) {
		t.Fatal("digest did not change when a mode changed")
	}
}

func TestDecodeRejects(t *testing.T) {
	sum := strings.Repeat("a", 64)
	for name, body := range map[string]string{
		"no header":       "f 0644 0 0 1 " + sum + " /a\n",
		"bad type":        "x 0644 0 0 - - /a\n",
		"short mode":      "d 755 0 0 - - /a\n",
		"dir with size":   "d 0755 0 0 4096 - /a\n",
		"file no hash":    "f 0644 0 0 1 - /a\n",
		"upper hex":       "f 0644 0 0 1 " + strings.Repeat("A", 64) + " /a\n",
		"relative":        "d 0755 0 0 - - a\n",
		"unsorted":        "d 0755 0 0 - - /b\nd 0755 0 0 - - /a\n",
		"duplicate":       "d 0755 0 0 - - /a\nd 0755 0 0 - - /a\n",
		"raw space":       "d 0755 0 0 - - /a b\n",
		"uppercase esc":   `d 0755 0 0 - - /a\x2A` + "\n",
		"needless escape": `d 0755 0 0 - - /a\x41` + "\n",
		"link no target":  "l 0777 0 0 - - /a\n",
		"dir with target": "d 0755 0 0 - - /a -> b\n",
		"leading zeros":   "d 0755 00 0 - - /a\n",
	} {
		in := Header + "\n" + body
		if name == "no header" {
			in = body
		}
		if _, err := Decode(strings.NewReader(in)); err == nil {
			t.Errorf("%s: Decode accepted %q", name, body)
		}
	}
}

func TestBuild(t *testing.T) {
	sum := strings.Repeat("b", 64)
	list := []Entry{
		{Type: 'f', Path: "/z", Size: 1},
		{Type: 'd', Path: "/", Mode: 0o755, Size: -1},
		{Type: 'f', Path: "/gone", Size: 3},
	}
	if _, _, err := Build(list, map[string]string{"/z": sum}, false); err == nil || !strings.Contains(err.Error(), `"/gone"`) {
		t.Fatalf("missing hash: got %v", err)
	}
	m, vanished, err := Build(list, map[string]string{"/z": sum}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(vanished) != 1 || vanished[0] != "/gone" || len(m.Entries) != 2 || m.Entries[0].Path != "/" {
		t.Fatalf("vanished %q, entries %+v", vanished, m.Entries)
	}
	if _, _, err := Build(append(list, Entry{Type: 'd', Path: "/", Size: -1}), map[string]string{"/z": sum, "/gone": sum}, false); err == nil {
		t.Fatal("a path listed twice was accepted")
	}
}

func TestParseListingRejects(t *testing.T) {
	for name, in := range map[string]string{
		"no target NUL": "f\t644\t0\t0\t1\t/a\x00",
		"few fields":    "f\t644\t0\t/a\x00\x00",
		"bad mode":      "f\t99\t0\t0\t1\t/a\x00\x00",
		"bad owner":     "f\t644\troot\t0\t1\t/a\x00\x00",
		"bad size":      "f\t644\t0\t0\t-1\t/a\x00\x00",
		"relative":      "f\t644\t0\t0\t1\ta\x00\x00",
		"bad type":      "q\t644\t0\t0\t1\t/a\x00\x00",
	} {
		if _, err := ParseListing([]byte(in)); err == nil {
			t.Errorf("%s: accepted %q", name, in)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(Header + "\n" + columns + "\nd 0755 0 0 - - /\nl 0777 0 0 - - /bin -> usr/bin\nf 0644 0 0 3 " + strings.Repeat("c", 64) + " /x\\x20y\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := Decode(bytes.NewReader(in))
		if err != nil {
			return
		}
		enc := m.Encode()
		again, err := Decode(bytes.NewReader(enc))
		if err != nil {
			t.Fatalf("re-decoding our own encoding: %v", err)
		}
		if !bytes.Equal(again.Encode(), enc) {
			t.Fatal("encoding is not stable")
		}
	})
}

func FuzzParseListing(f *testing.F) {
	f.Add([]byte("d\t755\t0\t0\t4096\t/\x00\x00l\t777\t0\t0\t7\t/bin\x00usr/bin\x00f\t644\t0\t0\t3\t/a\tb\x00\x00"))
	f.Fuzz(func(t *testing.T, in []byte) {
		list, err := ParseListing(in)
		if err != nil {
			return
		}
		hashes := map[string]string{}
		for _, e := range list {
			if !strings.HasPrefix(e.Path, "/") || e.Mode > 0o7777 {
				t.Fatalf("invalid entry %+v", e)
			}
			hashes[e.Path] = strings.Repeat("d", 64)
		}
		m, _, err := Build(list, hashes, false)
		if err != nil {
			return // duplicates
		}
		if _, err := Decode(bytes.NewReader(m.Encode())); err != nil {
			t.Fatalf("a built manifest does not decode: %v", err)
		}
	})
}

func FuzzParseHashes(f *testing.F) {
	f.Add([]byte(strings.Repeat("e", 64)+"  /a b\x00"), true)
	f.Add([]byte(`\`+strings.Repeat("e", 64)+`  /a\nb`+"\n"), false)
	f.Fuzz(func(t *testing.T, in []byte, zero bool) {
		h, err := ParseHashes(in, zero)
		if err != nil {
			return
		}
		for _, sum := range h {
			if !isHex64(sum) {
				t.Fatalf("bad sum %q", sum)
			}
		}
	})
}
