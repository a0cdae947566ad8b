package vm

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"
)

// AccelEnv forces the accelerator: "kvm", "tcg" or "auto" (the default).
const AccelEnv = "HARDENING_VM_ACCEL"

// Accelerators.
const (
	AccelAuto = "auto"
	AccelKVM  = "kvm"
	AccelTCG  = "tcg"
)

// Default values of Options.
const (
	DefaultUser      = "tester"
	DefaultHostname  = "hardening-vm"
	DefaultMemoryMiB = 1536
)

// Firmware paths of Debian's ovmf package (4 MiB variant, q35).
var (
	OVMFCode = "/usr/share/OVMF/OVMF_CODE_4M.fd"
	OVMFVars = "/usr/share/OVMF/OVMF_VARS_4M.fd"
)

// Options say what to boot and how.
type Options struct {
	// Disk is the raw or qcow2 disk image to boot. It is only read.
	Disk string
	// Format is "raw" or "qcow2"; empty asks qemu-img.
	Format string
	// GrowTo, when set, is the virtual size of the overlay the VM sees, in
	// qemu-img's notation ("8G", "10240M"); it must not be smaller than
	// the disk, so that first boot can grow the root partition into it.
	GrowTo string
	// MemoryMiB is the guest memory, 1024 to 2048; default 1536.
	MemoryMiB int
	// User is the account cloud-init creates; default "tester".
	User string
	// Hostname is cloud-init's local-hostname; default "hardening-vm".
	Hostname string
	// Accel is "auto", "kvm" or "tcg"; empty takes HARDENING_VM_ACCEL,
	// then "auto".
	Accel string
	// KVMProbe bounds how long a KVM guest may take to show that it runs
	// (kernel output on the serial console or an SSH banner) before the
	// VM is restarted under TCG; default 60s.
	KVMProbe time.Duration
	// Logf receives progress lines; nil discards them.
	Logf func(format string, args ...any)
}

var (
	userRE     = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)
	hostnameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	sizeRE     = regexp.MustCompile(`^[1-9][0-9]{0,12}[KMGT]?$`)
)

// withDefaults validates o and fills in the defaults.
func (o Options) withDefaults() (Options, error) {
	if o.Disk == "" {
		return o, fmt.Errorf("vm options: Disk is empty: give the path of a raw or qcow2 disk image")
	}
	if _, err := os.Stat(o.Disk); err != nil {
		return o, fmt.Errorf("vm options: Disk %q: %w", o.Disk, err)
	}
	switch o.Format {
	case "", "raw", "qcow2":
	default:
		return o, fmt.Errorf("vm options: Format %q: accepted are raw, qcow2 or empty (detect)", o.Format)
	}
	if o.GrowTo != "" && !sizeRE.MatchString(o.GrowTo) {
		return o, fmt.Errorf("vm options: GrowTo %q: accepted is a size like 8G, 10240M or 4T", o.GrowTo)
	}
	if o.MemoryMiB == 0 {
		o.MemoryMiB = DefaultMemoryMiB
	}
	if o.MemoryMiB < 1024 || o.MemoryMiB > 2048 {
		return o, fmt.Errorf("vm options: MemoryMiB %d: accepted are 1024 to 2048", o.MemoryMiB)
	}
	if o.User == "" {
		o.User = DefaultUser
	}
	if !userRE.MatchString(o.User) || o.User == "root" {
		return o, fmt.Errorf("vm options: User %q: accepted is a lower-case login name other than root ([a-z_][a-z0-9_-]{0,31})", o.User)
	}
	if o.Hostname == "" {
		o.Hostname = DefaultHostname
	}
	if !hostnameRE.MatchString(o.Hostname) {
		return o, fmt.Errorf("vm options: Hostname %q: accepted is one lower-case DNS label", o.Hostname)
	}
	accel, err := chooseAccel(o.Accel, os.Getenv(AccelEnv))
	if err != nil {
		return o, err
	}
	o.Accel = accel
	if o.KVMProbe == 0 {
		o.KVMProbe = 60 * time.Second
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	return o, nil
}

// chooseAccel picks the option, then the environment, then auto.
func chooseAccel(option, env string) (string, error) {
	if option != "" {
		return checkAccel("Accel", option)
	}
	if env != "" {
		return checkAccel(AccelEnv, env)
	}
	return AccelAuto, nil
}

func checkAccel(name, v string) (string, error) {
	switch strings.ToLower(v) {
	case AccelAuto, AccelKVM, AccelTCG:
		return strings.ToLower(v), nil
	}
	return "", fmt.Errorf("vm options: %s %q: accepted are auto, kvm, tcg", name, v)
}
