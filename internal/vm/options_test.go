package vm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOptionsErrorsNameFieldAndValue(t *testing.T) {
	disk := filepath.Join(t.TempDir(), "disk.raw")
	if err := os.WriteFile(disk, make([]byte, 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts Options
		env  string
		want []string
	}{
		{"no disk", Options{}, "", []string{"Disk is empty"}},
		{"missing disk", Options{Disk: disk + ".nope"}, "", []string{"Disk", ".nope", "no such file"}},
		{"format", Options{Disk: disk, Format: "vmdk"}, "", []string{"Format", `"vmdk"`, "raw, qcow2"}},
		{"grow", Options{Disk: disk, GrowTo: "8 GB"}, "", []string{"GrowTo", `"8 GB"`, "8G"}},
		{"memory low", Options{Disk: disk, MemoryMiB: 512}, "", []string{"MemoryMiB 512", "1024 to 2048"}},
		{"memory high", Options{Disk: disk, MemoryMiB: 8192}, "", []string{"MemoryMiB 8192"}},
		{"root user", Options{Disk: disk, User: "root"}, "", []string{"User", `"root"`}},
		{"user with space", Options{Disk: disk, User: "a b"}, "", []string{"User", `"a b"`}},
		{"hostname", Options{Disk: disk, Hostname: "a_b"}, "", []string{"Hostname", `"a_b"`}},
		{"accel option", Options{Disk: disk, Accel: "xen"}, "", []string{"Accel", `"xen"`, "auto, kvm, tcg"}},
		{"accel env", Options{Disk: disk}, "hvf", []string{AccelEnv, `"hvf"`, "auto, kvm, tcg"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(AccelEnv, tc.env)
			_, err := tc.opts.withDefaults()
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestOptionsDefaults(t *testing.T) {
	disk := filepath.Join(t.TempDir(), "disk.raw")
	if err := os.WriteFile(disk, make([]byte, 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(AccelEnv, "")
	o, err := Options{Disk: disk}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if o.User != "tester" || o.Hostname != "hardening-vm" || o.MemoryMiB != 1536 || o.Accel != AccelAuto || o.KVMProbe <= 0 || o.Logf == nil {
		t.Errorf("defaults: %+v", o)
	}
}

func TestAccelChoice(t *testing.T) {
	tests := []struct{ option, env, want string }{
		{"", "", AccelAuto},
		{"", "TCG", AccelTCG},
		{"", "kvm", AccelKVM},
		{"kvm", "tcg", AccelKVM}, // the caller's choice wins
	}
	for _, tc := range tests {
		got, err := chooseAccel(tc.option, tc.env)
		if err != nil || got != tc.want {
			t.Errorf("chooseAccel(%q, %q) = %q, %v; want %q", tc.option, tc.env, got, err, tc.want)
		}
	}
}

func TestRequirementsNameWhatIsMissing(t *testing.T) {
	old := OVMFCode
	OVMFCode = filepath.Join(t.TempDir(), "OVMF_CODE_4M.fd")
	defer func() { OVMFCode = old }()
	err := Requirements()
	if err == nil || !errors.Is(err, ErrMissingTool) {
		t.Fatalf("Requirements() = %v, want ErrMissingTool", err)
	}
	for _, want := range []string{OVMFCode + " (package ovmf)", "apt-get install qemu-system-x86 qemu-utils ovmf genisoimage"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if _, err := Boot(context.Background(), Options{Disk: OVMFVars, Format: "raw"}); !errors.Is(err, ErrMissingTool) {
		t.Errorf("Boot without firmware: %v, want ErrMissingTool", err)
	}
}
