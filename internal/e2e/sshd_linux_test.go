package e2e

import (
	"os"
	"strings"
	"testing"
)

func TestSSHDHarness(t *testing.T) {
	Packer(t)
	tarball := CloudlikeTarball(t)
	var root string
	// The subtest's cleanups (stop sshd, unmount, remove) have all run when
	// t.Run returns, so what is left afterwards is a leak.
	t.Run("logins sudo and packer", func(t *testing.T) {
		root = Unpack(t, tarball)
		s := StartSSHD(t, root)
		pw := s.Users["pwsudo"].Password
		cases := []struct {
			user, cmd string
			ok        bool
			want      string // the whole trimmed output when ok, a part of it otherwise
		}{
			{"admin", "id -un", true, "admin"},
			{"pwsudo", "id -un", true, "pwsudo"},
			{"nosudo", "id -un", true, "nosudo"},
			{"admin", "sudo -n true && echo ok", true, "ok"},
			{"admin", "sudo -n id -u", true, "0"},
			{"pwsudo", "sudo -n id -u", false, "a password is required"},
			{"pwsudo", "printf '%s\\n' " + pw + " | sudo -S -p '' id -u", true, "0"},
			{"pwsudo", "printf 'wrong\\n' | sudo -S -p '' id -u", false, "incorrect password"},
			{"nosudo", "sudo -n id -u", false, "sudo"},
			{"nosudo", "printf '%s\\n' " + pw + " | sudo -S -p '' id -u", false, "sudo"},
		}
		for _, tc := range cases {
			out, err := s.Login(tc.user, tc.cmd)
			switch {
			case tc.ok && (err != nil || strings.TrimSpace(out) != tc.want):
				t.Errorf("%s: %q: want %q, got err %v, output %q", tc.user, tc.cmd, tc.want, err, out)
			case !tc.ok && (err == nil || !strings.Contains(out, tc.want) || strings.TrimSpace(out) == "0"):
				t.Errorf("%s: %q: want a failure mentioning %q, got err %v, output %q", tc.user, tc.cmd, tc.want, err, out)
			}
		}

		s.Restart(t)
		if out, err := s.Login("admin", "sudo -n id -u"); err != nil || strings.TrimSpace(out) != "0" {
			t.Errorf("login after restart: %v %q", err, out)
		}

		tpl := s.NullSource("x", "admin") + `
build {
  sources = ["source.null.x"]
  provisioner "shell" {
    inline = ["sudo -n id -u"]
  }
}
`
		log, err := Build(t, tpl, nil)
		if err != nil || !strings.Contains(log, "null.x: 0\n") {
			t.Errorf("packer build over SSH as admin: want \"null.x: 0\", got %v\n%s", err, log)
		}
	})
	if root == "" {
		return
	}
	AssertNoLeftovers(t, root)
	if _, err := os.Stat(root); !os.IsNotExist(err) {
		t.Errorf("unpacked rootfs %s was not removed: %v", root, err)
	}
}
