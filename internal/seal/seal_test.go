package seal

import (
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

func frame(name, body string) string {
	return "=frame " + name + " " + strconv.Itoa(len(body)) + "\n" + body + "\n"
}

const (
	goodSecrets = "netrc\t/root/.netrc\x00world-readable-home\t/home/a/b c\x00"
	goodEvents  = "cleanup\tlogs\tdone\ttruncated 3\nphase\ttotal\t1200\nhashing\t-z\t2\n"
)

func complete() string { return results(goodSecrets, goodEvents) }

func results(secrets, events string) string {
	s := frame("os-release", "ID=debian\n") +
		frame("secrets", secrets) +
		frame("grep-private-key", "/etc/ssh/ssh_host_ed25519_key\x00/root/.ssh/id_rsa\x00") +
		frame("grep-aws-credentials", "") +
		frame("pruned", "/proc\n/sys\n") +
		frame("listing", "d\t755\t0\t0\t4096\t/\x00\x00") +
		frame("hashes", "") +
		frame("hash-errors", "sha256sum: /var/log/x: No such file or directory\n") +
		frame("events", events)
	return s + "=end\n"
}

func TestParse(t *testing.T) {
	c, err := Parse([]byte(complete()))
	if err != nil {
		t.Fatal(err)
	}
	want := []Finding{
		{"ssh-host-key", "/etc/ssh/ssh_host_ed25519_key"},
		{"world-readable-home", "/home/a/b c"},
		{"netrc", "/root/.netrc"},
		{"private-key", "/root/.ssh/id_rsa"},
	}
	if len(c.Findings) != len(want) {
		t.Fatalf("findings %+v", c.Findings)
	}
	for i := range want {
		if c.Findings[i] != want[i] {
			t.Errorf("finding %d: %+v, want %+v", i, c.Findings[i], want[i])
		}
	}
	if !c.HashZero || c.Jobs != 2 || c.PhasesMS["total"] != 1200 || len(c.Cleanup) != 1 || c.Cleanup[0].Detail != "truncated 3" {
		t.Errorf("events: %+v", c)
	}
	if !c.VanishedOnly() || len(c.Pruned) != 2 {
		t.Errorf("hash errors %q pruned %q", c.HashErrors, c.Pruned)
	}
	c.HashErrors = append(c.HashErrors, "sha256sum: /x: Permission denied")
	if c.VanishedOnly() {
		t.Error("a permission error counted as a vanished file")
	}
}

func TestParseRejects(t *testing.T) {
	full := complete()
	for name, tc := range map[string]struct {
		in         string
		incomplete bool
		contains   string
	}{
		"no end marker":   {strings.TrimSuffix(full, "=end\n"), true, "no end marker"},
		"cut in a frame":  {full[:len(full)/2], true, ""},
		"fatal":           {frame("events", "fatal\tno package database found\n"), true, "no package database found"},
		"after end":       {full + "x", false, "after the end marker"},
		"bad header":      {"garbage\n" + full, false, "not a frame header"},
		"wrong length":    {"=frame a 3\nab\n=end\n", false, "not 3 bytes"},
		"duplicate":       {frame("events", "") + full, false, "appears twice"},
		"missing listing": {strings.Replace(full, "=frame listing", "=frame listing2", 1), false, "frame listing is missing"},
		"unknown event":   {results(goodSecrets, "cleanupx\tlogs\tdone\tx\n"), false, "unknown event"},
		"relative secret": {results("netrc\troot/.netrc\x00", goodEvents), false, "bad secret finding"},
	} {
		_, err := Parse([]byte(tc.in))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if errors.Is(err, ErrIncomplete) != tc.incomplete || !strings.Contains(err.Error(), tc.contains) {
			t.Errorf("%s: %v (incomplete %v)", name, err, errors.Is(err, ErrIncomplete))
		}
	}
}

func TestScriptSettingsAndSyntax(t *testing.T) {
	s, err := Script(Options{Generator: "test", Steps: Steps, BuildKeys: []string{"AAAA+/="}, Exclude: []string{"/data/it's"},
		ListingFormat: `%p\0`, RPMQueryFormat: `%{NAME}\n`})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`H_EXCLUDE='/data/it'\''s'`, `H_KEYS='AAAA+/='`, `H_STEPS='build_key host_keys`, `H_RPM_QF='%{NAME}\n'`} {
		if !strings.Contains(string(s), want) {
			t.Errorf("script lacks %q", want)
		}
	}
	for _, sh := range []string{"sh", "dash", "bash"} {
		if _, err := exec.LookPath(sh); err != nil {
			continue
		}
		cmd := exec.Command(sh, "-n")
		cmd.Stdin = strings.NewReader(string(s))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s -n: %v\n%s", sh, err, out)
		}
	}
	if _, err := Script(Options{BuildKeys: []string{"AAAA'; rm -rf /"}}); err == nil {
		t.Error("a build key that is not base64 was accepted")
	}
	if _, err := Script(Options{Exclude: []string{"/a\nb"}}); err == nil {
		t.Error("a newline in an exclude was accepted")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(complete()))
	f.Add([]byte(frame("events", "fatal\tx\n")))
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := Parse(in)
		if err != nil {
			return
		}
		for _, fd := range c.Findings {
			if fd.Rule == "" || !strings.HasPrefix(fd.Path, "/") {
				t.Fatalf("bad finding %+v", fd)
			}
		}
	})
}
