package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// BootedGuestSysctls are the kernel settings every systemd-booted Debian 12,
// Ubuntu 22.04 and 24.04 guest runs with (systemd's 50-default.conf, then
// procps's 99-protect-links.conf, which raises protected_regular to 2) and a
// chroot shares with whatever its host has. Scripts that pass files between
// root and the build user behave differently under them.
var BootedGuestSysctls = map[string]string{
	"fs.protected_regular":   "2",
	"fs.protected_fifos":     "1",
	"fs.protected_symlinks":  "1",
	"fs.protected_hardlinks": "1",
}

// sysctlLock serialises tests of all packages that change host sysctls. It
// also holds the values found before the change until they are restored, so
// the next test puts them back if a test process died (a timeout) holding it.
const sysctlLock = "/run/lock/packer-plugin-hardening-sysctl.lock"

// SetSysctls sets kernel settings (name → value) on the host for the rest of
// the test and restores the old values in cleanup. It holds a lock that
// other test processes wait for until then.
func SetSysctls(t testing.TB, values map[string]string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(sysctlLock), 0o755); err != nil {
		t.Fatalf("sysctl lock: %v", err)
	}
	f, err := os.OpenFile(sysctlLock, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatalf("sysctl lock: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatalf("lock %s: %v", sysctlLock, err)
	}
	if err := restoreSysctls(f); err != nil {
		f.Close()
		t.Fatalf("restore the sysctls a dead test left: %v", err)
	}
	old := map[string]string{}
	for name := range values {
		cur, err := os.ReadFile(sysctlPath(name))
		if err != nil {
			f.Close()
			t.Fatalf("read %s: %v", name, err)
		}
		old[name] = strings.TrimSpace(string(cur))
	}
	saved, _ := json.Marshal(old)
	if _, err := f.WriteAt(saved, 0); err != nil {
		f.Close()
		t.Fatalf("record sysctls in %s: %v", sysctlLock, err)
	}
	t.Cleanup(func() {
		if err := restoreSysctls(f); err != nil {
			t.Errorf("restore sysctls: %v", err)
		}
		f.Close() // releases the lock
	})
	for name, v := range values {
		if err := writeSysctl(name, v); err != nil {
			t.Fatalf("set %s = %s: %v", name, v, err)
		}
	}
}

// restoreSysctls writes back the values recorded in the lock file, if any,
// and empties it.
func restoreSysctls(f *os.File) error {
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<16))
	if err != nil {
		return fmt.Errorf("read %s: %w", sysctlLock, err)
	}
	if len(b) > 0 {
		var old map[string]string
		if err := json.Unmarshal(b, &old); err != nil {
			return fmt.Errorf("%s: %w", sysctlLock, err)
		}
		for name, v := range old {
			if err := writeSysctl(name, v); err != nil {
				return err
			}
		}
	}
	return f.Truncate(0)
}

func sysctlPath(name string) string {
	return filepath.Join("/proc/sys", strings.ReplaceAll(name, ".", "/"))
}

func writeSysctl(name, value string) error {
	if err := os.WriteFile(sysctlPath(name), []byte(value+"\n"), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", sysctlPath(name), err)
	}
	return nil
}
