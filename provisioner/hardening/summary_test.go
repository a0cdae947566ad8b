package hardening

import (
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
)

// The build output says where the package step's time went.
func TestPackagesLine(t *testing.T) {
	cases := []struct {
		pk   cis.Packages
		want string
	}{
		{cis.Packages{Installed: []string{"aide", "chrony"}, DurationMS: 73660, Lists: "updated", Prefetched: true, UpdateMS: 4730, DownloadMS: 2220, InstallMS: 73520},
			"packages 73.7s (installed 2, removed 0: lists updated 4.7s, download 2.2s, during the audit; install 73.5s)"},
		{cis.Packages{Installed: []string{"systemd-timesyncd"}, DurationMS: 3100, Lists: "fresh", DownloadMS: 400, InstallMS: 2600},
			"packages 3.1s (installed 1, removed 0: lists fresh, download 0.4s; install 2.6s)"},
		{cis.Packages{Removed: []string{"telnet"}, DurationMS: 1200, RemoveMS: 1100},
			"packages 1.2s (installed 0, removed 1: purge 1.1s)"},
	}
	for _, tc := range cases {
		if got := packagesLine(&tc.pk); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}
