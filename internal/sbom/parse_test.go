package sbom_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/sbom"
)

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// summary is a package on one line, every parsed field in it.
func summary(p sbom.Package) string {
	return fmt.Sprintf("%s %s %s epoch=%s arch=%s src=%s@%s srpm=%s size=%d maint=%q lic=%q",
		p.Type, p.Name, p.Version, p.Epoch, p.Arch, p.SourceName, p.SourceVersion, p.SourceRPM, p.InstalledSizeKiB, p.Maintainer, p.Licenses)
}

func summaries(pkgs []sbom.Package) string {
	var b strings.Builder
	for _, p := range pkgs {
		b.WriteString(summary(p) + "\n")
	}
	return b.String()
}

func TestParseDpkgStatus(t *testing.T) {
	pkgs, err := sbom.ParseDpkgStatus(bytes.NewReader(read(t, "dpkg-status")))
	if err != nil {
		t.Fatal(err)
	}
	// Not rsyslog (config-files) nor exim4-base (not-installed); openssh-server
	// is half-configured, its files are on disk. The file has no final
	// newline: g++ is still read.
	want := `deb bsdutils 1:2.38.1-5+b1 epoch= arch=amd64 src=util-linux@2.38.1-5 srpm= size=336 maint="util-linux packagers <util-linux@packages.debian.org>" lic=[]
deb libc6 2.36-9+deb12u4 epoch= arch=amd64 src=glibc@2.36-9+deb12u4 srpm= size=12986 maint="GNU Libc Maintainers <debian-glibc@lists.debian.org>" lic=[]
deb libc6 2.36-9+deb12u4 epoch= arch=i386 src=glibc@2.36-9+deb12u4 srpm= size=12200 maint="GNU Libc Maintainers <debian-glibc@lists.debian.org>" lic=[]
deb tzdata 2024a-0+deb12u1 epoch= arch=all src=tzdata@2024a-0+deb12u1 srpm= size=3348 maint="GNU Libc Maintainers <debian-glibc@lists.debian.org>" lic=[]
deb libsystemd0 252.22-1~deb12u1 epoch= arch=amd64 src=systemd@252.22-1~deb12u1 srpm= size=920 maint="Debian systemd Maintainers <pkg-systemd-maintainers@lists.alioth.debian.org>" lic=[]
deb libpam-modules 1.5.2-6+deb12u1 epoch= arch=amd64 src=pam@1.5.2-6+deb12u1 srpm= size=1031 maint="Sam Hartman <hartmans@debian.org>" lic=[]
deb gcc-12-base 12.2.0-14 epoch= arch=amd64 src=gcc-12@12.2.0-14 srpm= size=276 maint="Debian GCC Maintainers <debian-gcc@lists.debian.org>" lic=[]
deb openssh-server 1:9.2p1-2+deb12u2 epoch= arch=amd64 src=openssh@1:9.2p1-2+deb12u2 srpm= size=1982 maint="Debian OpenSSH Maintainers <debian-ssh@lists.debian.org>" lic=[]
deb g++ 4:12.2.0-3 epoch= arch=amd64 src=gcc-defaults@1.203 srpm= size=14 maint="Debian GCC Maintainers <debian-gcc@lists.debian.org>" lic=[]
`
	if got := summaries(pkgs); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestParseRPMQuery(t *testing.T) {
	pkgs, err := sbom.ParseRPMQuery(bytes.NewReader(read(t, "rpm-query")))
	if err != nil {
		t.Fatal(err)
	}
	glibcLic := `["LGPLv2+ and LGPLv2+ with exceptions and GPLv2+ and GPLv2+ with exceptions and BSD and Inner-Net and ISC and Public Domain and GFDL"]`
	// No gpg-pubkey; sizes in bytes rounded up to KiB; multilib glibc twice.
	want := `rpm bash 5.1.8-6.el9_1 epoch= arch=x86_64 src=bash@5.1.8-6.el9_1 srpm=bash-5.1.8-6.el9_1.src.rpm size=7558 maint="Red Hat, Inc." lic=["GPLv3+"]
rpm python3-urllib3 1.26.5-3.el9 epoch= arch=noarch src=python-urllib3@1.26.5-3.el9 srpm=python-urllib3-1.26.5-3.el9.src.rpm size=1024 maint="Red Hat, Inc." lic=["MIT"]
rpm openssl-libs 3.0.7-24.el9 epoch=1 arch=x86_64 src=openssl@3.0.7-24.el9 srpm=openssl-3.0.7-24.el9.src.rpm size=6400 maint="Red Hat, Inc." lic=["ASL 2.0"]
rpm kernel-core 5.14.0-362.8.1.el9_3 epoch= arch=x86_64 src=kernel@5.14.0-362.8.1.el9_3 srpm=kernel-5.14.0-362.8.1.el9_3.src.rpm size=68360 maint="Red Hat, Inc." lic=["GPLv2 and Redistributable, no modification permitted"]
rpm glibc 2.34-83.el9_3.7 epoch= arch=x86_64 src=glibc@2.34-83.el9_3.7 srpm=glibc-2.34-83.el9_3.7.src.rpm size=6143 maint="Red Hat, Inc." lic=` + glibcLic + `
rpm glibc 2.34-83.el9_3.7 epoch= arch=i686 src=glibc@2.34-83.el9_3.7 srpm=glibc-2.34-83.el9_3.7.src.rpm size=5860 maint="Red Hat, Inc." lic=` + glibcLic + `
rpm basesystem 11-13.el9 epoch= arch=noarch src=basesystem@11-13.el9 srpm=basesystem-11-13.el9.src.rpm size=0 maint="Red Hat, Inc." lic=["Public Domain"]
rpm libgcc 11.4.1-2.1.el9 epoch= arch=x86_64 src=gcc@11.4.1-2.1.el9 srpm=gcc-11.4.1-2.1.el9.src.rpm size=183 maint="Red Hat, Inc." lic=["GPL-3.0-or-later AND LGPL-3.0-or-later AND (GPL-3.0-or-later WITH GCC-exception-3.1)"]
`
	if got := summaries(pkgs); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestParseAPKInstalled(t *testing.T) {
	pkgs, err := sbom.ParseAPKInstalled(bytes.NewReader(read(t, "apk-installed")))
	if err != nil {
		t.Fatal(err)
	}
	want := `apk musl 1.2.4-r2 epoch= arch=x86_64 src=musl@1.2.4-r2 srpm= size=608 maint="Timo Teräs <timo.teras@iki.fi>" lic=["MIT"]
apk musl-utils 1.2.4-r2 epoch= arch=x86_64 src=musl@1.2.4-r2 srpm= size=132 maint="Timo Teräs <timo.teras@iki.fi>" lic=["MIT BSD GPL2+"]
apk busybox-binsh 1.36.1-r5 epoch= arch=x86_64 src=busybox@1.36.1-r5 srpm= size=1 maint="Sören Tempel <soeren+alpine@soeren-tempel.net>" lic=["GPL-2.0-only"]
apk ssl_client 1.36.1-r5 epoch= arch=x86_64 src=busybox@1.36.1-r5 srpm= size=14 maint="Sören Tempel <soeren+alpine@soeren-tempel.net>" lic=["GPL-2.0-only AND (MIT OR BSD-2-Clause)"]
apk libcrypto3 3.1.4-r1 epoch= arch=x86_64 src=openssl@3.1.4-r1 srpm= size=4844 maint="Ariadne Conill <ariadne@dereferenced.org>" lic=["Apache-2.0"]
apk tzdata 2024a-r0 epoch= arch=noarch src=tzdata@2024a-r0 srpm= size=0 maint="" lic=["Public-Domain"]
`
	if got := summaries(pkgs); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestParseCopyrightLicenses(t *testing.T) {
	got, err := sbom.ParseCopyrightLicenses(bytes.NewReader(read(t, "copyright-licenses")))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"bsdutils":    "[GPL-2+ BSD-4-clause public-domain]",
		"libc6":       "[LGPL-2.1+ GPL-2+ BSD-3-clause]", // exception dropped, "or" and "," split, repeat dropped
		"tzdata":      "[public-domain]",
		"libsystemd0": "[LGPL-2.1+ Expat GPL-2+]",
		"g++":         "[GPL-3+]",
	}
	if len(got) != len(want) {
		t.Errorf("%d packages, want %d: %v", len(got), len(want), got)
	}
	for pkg, w := range want {
		if g := fmt.Sprint(got[pkg]); g != w {
			t.Errorf("%s: %s, want %s", pkg, g, w)
		}
	}
}

func TestParseOSRelease(t *testing.T) {
	for name, want := range map[string]sbom.OS{
		"os-release-debian12": {ID: "debian", VersionID: "12", VersionCodename: "bookworm", Name: "Debian GNU/Linux",
			PrettyName: "Debian GNU/Linux 12 (bookworm)", HomeURL: "https://www.debian.org/", BugReportURL: "https://bugs.debian.org/"},
		"os-release-rhel9": {ID: "rhel", VersionID: "9.3", Name: "Red Hat Enterprise Linux", PrettyName: "Red Hat Enterprise Linux 9.3 (Plow)",
			HomeURL: "https://www.redhat.com/", BugReportURL: "https://bugzilla.redhat.com/", IDLike: []string{"fedora"}},
		"os-release-alpine": {ID: "alpine", VersionID: "3.18.4", Name: "Alpine Linux", PrettyName: "Alpine Linux v3.18",
			HomeURL: "https://alpinelinux.org/", BugReportURL: "https://gitlab.alpinelinux.org/alpine/aports/-/issues"},
	} {
		got, err := sbom.ParseOSRelease(read(t, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
			t.Errorf("%s:\n got %#v\nwant %#v", name, got, want)
		}
	}
}

func TestParseOSReleaseQuoting(t *testing.T) {
	in := "ID=debian\n" +
		`NAME="a \"quoted\" \$word\\ and \n"` + "\n" + // \n stays: only $ ` " \ are escaped in double quotes
		`PRETTY_NAME='single \"kept\"'` + "\n" +
		`VERSION_ID=unquoted\ esc"aped"'!'` + "\n" +
		"  # a comment\n\n" +
		"ID_LIKE=\"rhel  centos fedora\"\n"
	o, err := sbom.ParseOSRelease([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if o.Name != `a "quoted" $word\ and \n` || o.PrettyName != `single \"kept\"` || o.VersionID != "unquoted escaped!" ||
		strings.Join(o.IDLike, ",") != "rhel,centos,fedora" {
		t.Errorf("%#v", o)
	}
}

func TestParsersReject(t *testing.T) {
	for name, tc := range map[string]struct {
		parse func([]byte) error
		in    string
		want  string
	}{
		"dpkg continuation first": {dpkg, " orphan\n", "dpkg status: line 1: continuation line before any field"},
		"dpkg no package":         {dpkg, "Package: a\nStatus: install ok installed\nVersion: 1\n\n\nStatus: install ok installed\nVersion: 1\n", "stanza at line 6: no Package field"},
		"dpkg bad status":         {dpkg, "Package: a\nStatus: installed\nVersion: 1\n", `stanza at line 1: package a: Status "installed"`},
		"dpkg no version":         {dpkg, "Package: a\nStatus: install ok installed\n", "package a: Version \"\" is empty"},
		"dpkg bad source":         {dpkg, "Package: a\nStatus: install ok installed\nVersion: 1\nSource: b 2\n", `Source "b 2"`},
		"dpkg empty source vers":  {dpkg, "Package: a\nStatus: install ok installed\nVersion: 1\nSource: b ()\n", `Source "b ()"`},
		"dpkg not a field":        {dpkg, "Package: a\nnonsense\n", "line 2: \"nonsense\" is not a field"},
		"dpkg repeated field":     {dpkg, "Package: a\nVersion: 1\nVersion: 2\n", "line 3: field Version repeated"},
		"dpkg bad size":           {dpkg, "Package: a\nStatus: install ok installed\nVersion: 1\nInstalled-Size: lots\n", `Installed-Size "lots"`},
		"rpm fields":              {rpm, "bash\t5\n", "rpm query: line 1: 2 tab-separated fields, want 9"},
		"rpm epoch":               {rpm, "a\tx\t1\t1\tx86_64\ta-1-1.src.rpm\tMIT\tv\t1\n", `line 1: epoch "x"`},
		"rpm no name":             {rpm, "\n(none)\t(none)\t1\t1\tx86_64\ta-1-1.src.rpm\tMIT\tv\t1\n", "line 2: no name or version"},
		"rpm size":                {rpm, "a\t(none)\t1\t1\tx86_64\ta-1-1.src.rpm\tMIT\tv\t-4\n", `line 1: size "-4"`},
		"apk field":               {apk, "P:a\nnonsense\n", "apk installed: line 2: \"nonsense\" is not a field"},
		"apk no version":          {apk, "P:a\nA:x86_64\n\nP:b\nV:1\n", "record at line 1: no P: or V:"},
		"apk size":                {apk, "P:a\nV:1\nI:big\n", `line 3: installed size "big"`},
		"apk space":               {apk, "P:a b\nV:1\n", "line 1: white space in P:"},
		"licenses":                {copyright, "bash\tGPL-3+\nno tab here\n", "copyright licenses: line 2"},
		"licenses path":           {copyright, "../etc\tMIT\n", "line 1"},
		"os-release no id":        {osRelease, "NAME=x\n", "no ID"},
		"os-release quote":        {osRelease, "ID=debian\nNAME=\"Debian\n", "line 2: NAME: unterminated double quote"},
		"os-release squote":       {osRelease, "ID='debian\n", "line 1: ID: unterminated single quote"},
		"os-release not a var":    {osRelease, "ID=debian\nthis is not\n", "line 2"},
		"os-release bad key":      {osRelease, "ID=debian\n9X=1\n", "line 2"},
	} {
		err := tc.parse([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error with %q", name, err, tc.want)
		}
	}
}

func dpkg(b []byte) error      { _, err := sbom.ParseDpkgStatus(bytes.NewReader(b)); return err }
func rpm(b []byte) error       { _, err := sbom.ParseRPMQuery(bytes.NewReader(b)); return err }
func apk(b []byte) error       { _, err := sbom.ParseAPKInstalled(bytes.NewReader(b)); return err }
func copyright(b []byte) error { _, err := sbom.ParseCopyrightLicenses(bytes.NewReader(b)); return err }
func osRelease(b []byte) error { _, err := sbom.ParseOSRelease(b); return err }

// TestLineLimit: a line of exactly 1 MiB is read, one byte more is an
// error naming the line, for every parser.
func TestLineLimit(t *testing.T) {
	long := strings.Repeat("a", 1<<20-len(" "))
	ok := "Package: a\nStatus: install ok installed\nVersion: 1\nDescription: x\n " + long + "\n"
	if err := dpkg([]byte(ok)); err != nil {
		t.Errorf("a 1 MiB line: %v", err)
	}
	if err := dpkg([]byte(ok[:len(ok)-1] + "a\n")); err == nil || !strings.Contains(err.Error(), "dpkg status: line 5: longer than 1 MiB") {
		t.Errorf("dpkg, a line over 1 MiB: %v", err)
	}
	tooLong := []byte(strings.Repeat("a", 1<<20+1) + "\n")
	for name, parse := range map[string]func([]byte) error{"rpm": rpm, "apk": apk, "copyright": copyright, "os-release": osRelease} {
		if err := parse(tooLong); err == nil || !strings.Contains(err.Error(), "line 1: longer than 1 MiB") {
			t.Errorf("%s, a line over 1 MiB: %v", name, err)
		}
	}
}

// repeatReader yields line again and again, n bytes in all, without
// holding them.
type repeatReader struct {
	line []byte
	n    int64
	off  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	w := 0
	for w < len(p) && r.n > 0 {
		c := copy(p[w:], r.line[r.off:])
		if int64(c) > r.n {
			c = int(r.n)
		}
		w += c
		r.n -= int64(c)
		r.off = (r.off + c) % len(r.line)
	}
	return w, nil
}

// TestInputLimit: 256 MiB are read, one byte more is an error, without
// the input ever being in memory.
func TestInputLimit(t *testing.T) {
	head := "Package: a\nStatus: purge ok not-installed\nDescription: x\n"
	cont := []byte(" " + strings.Repeat("x", 64<<10-2) + "\n")
	status := func(n int64) io.Reader {
		return io.MultiReader(strings.NewReader(head), &repeatReader{line: cont, n: n - int64(len(head))})
	}
	if _, err := sbom.ParseDpkgStatus(status(256 << 20)); err != nil {
		t.Errorf("exactly 256 MiB: %v", err)
	}
	_, err := sbom.ParseDpkgStatus(status(256<<20 + 1))
	if err == nil || !strings.Contains(err.Error(), "dpkg status: input is larger than 256 MiB") {
		t.Errorf("256 MiB and a byte: %v", err)
	}
}
