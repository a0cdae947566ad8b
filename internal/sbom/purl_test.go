package sbom_test

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/sbom"
)

var (
	debian = sbom.OS{ID: "debian", VersionID: "12", VersionCodename: "bookworm", Name: "Debian GNU/Linux",
		PrettyName: "Debian GNU/Linux 12 (bookworm)", HomeURL: "https://www.debian.org/", BugReportURL: "https://bugs.debian.org/"}
	rhel   = sbom.OS{ID: "rhel", VersionID: "9.3", Name: "Red Hat Enterprise Linux", PrettyName: "Red Hat Enterprise Linux 9.3 (Plow)", IDLike: []string{"fedora"}}
	alpine = sbom.OS{ID: "alpine", VersionID: "3.18.4", Name: "Alpine Linux", PrettyName: "Alpine Linux v3.18"}
)

// purls parses a recorded database and returns "name:arch" to purl.
func purls(t *testing.T, parse func([]byte) ([]sbom.Package, error), file string, o sbom.OS) map[string]string {
	t.Helper()
	pkgs, err := parse(read(t, file))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range pkgs {
		out[p.Name+":"+p.Arch] = sbom.PURL(p, o)
	}
	return out
}

func TestPURL(t *testing.T) {
	dpkgParse := func(b []byte) ([]sbom.Package, error) { return sbom.ParseDpkgStatus(bytes.NewReader(b)) }
	rpmParse := func(b []byte) ([]sbom.Package, error) { return sbom.ParseRPMQuery(bytes.NewReader(b)) }
	apkParse := func(b []byte) ([]sbom.Package, error) { return sbom.ParseAPKInstalled(bytes.NewReader(b)) }
	got := purls(t, dpkgParse, "dpkg-status", debian)
	for k, v := range purls(t, rpmParse, "rpm-query", rhel) {
		got["rpm "+k] = v
	}
	for k, v := range purls(t, apkParse, "apk-installed", alpine) {
		got["apk "+k] = v
	}
	for key, want := range map[string]string{
		// Epoch in the version, ':' kept, '+' as %2B; the source version
		// differs, so upstream is name@version with '@' as %40.
		"bsdutils:amd64": "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bb1?arch=amd64&distro=debian-12&upstream=util-linux%402.38.1-5",
		// Multi-arch: one purl per architecture; source of another name,
		// same version: upstream is the name alone.
		"libc6:amd64": "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc",
		"libc6:i386":  "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=i386&distro=debian-12&upstream=glibc",
		// '~' is unreserved: not encoded.
		"libsystemd0:amd64": "pkg:deb/debian/libsystemd0@252.22-1~deb12u1?arch=amd64&distro=debian-12&upstream=systemd",
		// '+' in the name; another source name and version.
		"g++:amd64":            "pkg:deb/debian/g%2B%2B@4:12.2.0-3?arch=amd64&distro=debian-12&upstream=gcc-defaults%401.203",
		"tzdata:all":           "pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=debian-12&upstream=tzdata",
		"openssh-server:amd64": "pkg:deb/debian/openssh-server@1:9.2p1-2%2Bdeb12u2?arch=amd64&distro=debian-12&upstream=openssh",
		// rpm: rhel is redhat, the epoch a qualifier, upstream the source RPM.
		"rpm openssl-libs:x86_64":    "pkg:rpm/redhat/openssl-libs@3.0.7-24.el9?arch=x86_64&distro=rhel-9.3&epoch=1&upstream=openssl-3.0.7-24.el9.src.rpm",
		"rpm python3-urllib3:noarch": "pkg:rpm/redhat/python3-urllib3@1.26.5-3.el9?arch=noarch&distro=rhel-9.3&upstream=python-urllib3-1.26.5-3.el9.src.rpm",
		"rpm glibc:i686":             "pkg:rpm/redhat/glibc@2.34-83.el9_3.7?arch=i686&distro=rhel-9.3&upstream=glibc-2.34-83.el9_3.7.src.rpm",
		// apk: upstream is the origin.
		"apk ssl_client:x86_64": "pkg:apk/alpine/ssl_client@1.36.1-r5?arch=x86_64&distro=alpine-3.18.4&upstream=busybox",
		"apk musl:x86_64":       "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.18.4&upstream=musl",
	} {
		if got[key] != want {
			t.Errorf("%s:\n got %s\nwant %s", key, got[key], want)
		}
	}
}

func TestPURLEdges(t *testing.T) {
	for _, tc := range []struct {
		p    sbom.Package
		o    sbom.OS
		want string
	}{
		// Debian testing has no VERSION_ID: the codename stands in.
		{sbom.Package{Type: "deb", Name: "bash", Version: "5.2.21-2", Arch: "amd64", SourceName: "bash", SourceVersion: "5.2.21-2"},
			sbom.OS{ID: "debian", VersionCodename: "trixie"}, "pkg:deb/debian/bash@5.2.21-2?arch=amd64&distro=debian-trixie&upstream=bash"},
		// A binNMU: same source name, other version.
		{sbom.Package{Type: "deb", Name: "zlib1g", Version: "1:1.2.13.dfsg-1+b1", SourceName: "zlib1g", SourceVersion: "1:1.2.13.dfsg-1"},
			sbom.OS{ID: "ubuntu", VersionID: "24.04"}, "pkg:deb/ubuntu/zlib1g@1:1.2.13.dfsg-1%2Bb1?distro=ubuntu-24.04&upstream=zlib1g%401:1.2.13.dfsg-1"},
		// Characters a purl must encode, in name, version and qualifiers.
		{sbom.Package{Type: "deb", Name: "a b#c?d", Version: "1@2/3%4", Arch: "x&y=z", SourceName: "s@t"},
			sbom.OS{ID: "Debian", VersionID: "12"}, "pkg:deb/debian/a%20b%23c%3Fd@1%402%2F3%254?arch=x%26y%3Dz&distro=debian-12&upstream=s%40t"},
		// rpm without epoch, release or source RPM; a non-RHEL namespace.
		{sbom.Package{Type: "rpm", Name: "Foo", Version: "1.0", SourceName: "Foo", SourceVersion: "1.0"},
			sbom.OS{ID: "fedora", VersionID: "40"}, "pkg:rpm/fedora/Foo@1.0?distro=fedora-40"},
	} {
		got := sbom.PURL(tc.p, tc.o)
		if got != tc.want {
			t.Errorf("%+v:\n got %s\nwant %s", tc.p, got, tc.want)
		}
		// Percent-decoding gives the values back: nothing is lost.
		head, query, _ := strings.Cut(got, "?")
		q, err := url.ParseQuery(strings.ReplaceAll(query, "+", "%2B"))
		if err != nil || q.Get("arch") != tc.p.Arch {
			t.Errorf("%s: arch %q (%v), want %q", got, q.Get("arch"), err, tc.p.Arch)
		}
		if _, v, ok := strings.Cut(head, "@"); ok {
			if dv, _ := url.PathUnescape(v); dv != tc.p.Version {
				t.Errorf("%s: version %q, want %q", got, dv, tc.p.Version)
			}
		}
	}
}
