package e2e

import (
	"strings"
	"testing"
)

func TestSSHDHarness(t *testing.T) {
	Packer(t)
	root := Unpack(t, CloudlikeTarball(t))
	s := StartSSHD(t, root)
	cases := []struct {
		user, cmd string
		ok        bool
		want      string
	}{
		{"admin", "sudo -n id -u", true, "0"},
		{"pwsudo", "sudo -n id -u", false, "password is required"},
		{"pwsudo", "echo " + s.Users["pwsudo"].Password + " | sudo -S -p '' id -u", true, "0"},
		{"nosudo", "sudo -n id -u", false, ""},
	}
	for _, tc := range cases {
		out, err := s.Login(tc.user, tc.cmd)
		if (err == nil) != tc.ok || !strings.Contains(out, tc.want) {
			t.Errorf("%s: %q: err %v, output %q", tc.user, tc.cmd, err, out)
		}
	}
	s.Restart(t)
	if out, err := s.Login("admin", "true"); err != nil {
		t.Errorf("login after restart: %v %s", err, out)
	}
	log, err := Build(t, "build {\n sources = [\"source.null.x\"]\n provisioner \"shell\" {\n inline = [\"sudo -n id -u\"]\n }\n}\n"+s.NullSource("x", "admin"), nil)
	if err != nil || !strings.Contains(log, "0") {
		t.Fatalf("packer build over SSH: %v\n%s", err, log)
	}
}
