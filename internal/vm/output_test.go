package vm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTailIsBounded(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "serial.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tl := newTail(10)
	tl.file, tl.fileMax = f, 15
	for _, s := range []string{"0123456789", "abcdefghij", "XYZ"} {
		if _, err := tl.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if got := tl.String(); got != "defghijXYZ" {
		t.Errorf("tail %q, want the last 10 bytes", got)
	}
	if tl.Total() != 23 {
		t.Errorf("total %d, want 23", tl.Total())
	}
	b, _ := os.ReadFile(f.Name())
	if string(b) != "0123456789abcde" {
		t.Errorf("file %q, want the first 15 bytes", b)
	}
}

func TestLastLinesIsSafeToPrint(t *testing.T) {
	in := "\x1b[2J\x1b[01;01Hone\r\n\r\ntwo\x07\x1b[1m\x1b[33mbold\x1b[0m\r\nthree\xff\tx\n" + strings.Repeat("y", 400) + "\n"
	got := lastLines(in, 3)
	lines := strings.Split(got, "\n")
	if len(lines) != 3 || lines[0] != "twobold" || lines[1] != "three x" || lines[2] != strings.Repeat("y", 300)+"..." {
		t.Errorf("lastLines = %q", got)
	}
}

func TestLimitedBuffer(t *testing.T) {
	l := &limitedBuffer{max: 5}
	for _, s := range []string{"abc", "def", "g"} {
		if n, err := l.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v: a writer must take everything", s, n, err)
		}
	}
	if got := l.String(); got != "abcde\n[output cut at 5 bytes]" {
		t.Errorf("String() = %q", got)
	}
}
