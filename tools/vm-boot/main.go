// Command vm-boot boots a disk image with the test harness (internal/vm),
// prints how to log in, and keeps the VM running until Ctrl-C. The disk
// is not modified: the VM runs on an overlay that is removed at exit.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/vm"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "vm-boot: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	disk := flag.String("disk", "example/output/disk.qcow2", "raw or qcow2 disk image to boot (only read)")
	grow := flag.String("grow", "", "virtual disk size the VM sees, e.g. 8G (default: the disk's size)")
	memory := flag.Int("memory", vm.DefaultMemoryMiB, "guest memory in MiB, 1024 to 2048")
	user := flag.String("user", vm.DefaultUser, "user cloud-init creates, with the generated key and passwordless sudo")
	timeout := flag.Duration("timeout", 10*time.Minute, "how long to wait for SSH")
	measure := flag.Bool("measure", false, "print the time to SSH, to the end of cloud-init and systemd's boot timings, then stop the VM")
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q: use -disk, -grow, -memory, -user, -timeout, -measure", flag.Args())
	}
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, "==> "+format+"\n", args...) }

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	bootCtx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	v, err := vm.Boot(bootCtx, vm.Options{Disk: *disk, GrowTo: *grow, MemoryMiB: *memory, User: *user, Logf: logf})
	if err != nil {
		return err
	}
	defer func() {
		if err := v.Close(); err != nil {
			logf("%v", err)
		}
	}()
	logf("serial console: %s", v.SerialLog)
	took, err := v.WaitSSH(bootCtx)
	if err != nil {
		return err
	}
	if *measure {
		return measureBoot(bootCtx, v, took)
	}
	logf("SSH up under %s after %s; log in with:", v.Accel, took.Round(100*time.Millisecond))
	fmt.Println(v.Command())
	logf("the VM runs until Ctrl-C")
	<-ctx.Done()
	logf("stopping the VM")
	return nil
}

// measureBoot prints how long the guest took to reach SSH and the end of
// cloud-init (both from QEMU's start) and systemd's own account of the boot.
func measureBoot(ctx context.Context, v *vm.VM, ssh time.Duration) error {
	fmt.Printf("accelerator: %s\n", v.Accel)
	fmt.Printf("time to SSH: %s\n", ssh.Round(100*time.Millisecond))
	out, errOut, exit, err := v.Run(ctx, "cloud-init status --wait >/dev/null; cloud-init status")
	if err != nil {
		return err
	}
	fmt.Printf("time to cloud-init done: %s (%s, exit %d%s)\n", time.Since(v.Started).Round(100*time.Millisecond),
		strings.TrimSpace(out), exit, strings.TrimSpace(" "+errOut))
	// systemd's monotonic clock counts from the kernel's start, so these
	// compare across images whatever the host's load before the boot.
	units := []string{"ssh.service", "multi-user.target", "cloud-final.service"}
	out, _, _, err = v.Run(ctx, "sudo -n systemctl show -p ActiveEnterTimestampMonotonic --value "+strings.Join(units, " "))
	if err != nil {
		return err
	}
	fmt.Printf("guest clock, since the kernel started:")
	for i, f := range strings.Fields(out) {
		if i < len(units) {
			us, _ := strconv.ParseInt(f, 10, 64)
			fmt.Printf(" %s %.1fs", units[i], float64(us)/1e6)
		}
	}
	fmt.Println()
	for _, cmd := range []string{"sudo -n systemd-analyze", "sudo -n systemd-analyze critical-chain --no-pager multi-user.target", "sudo -n systemctl --failed --no-legend --plain",
		"sudo -n systemctl show -p ActiveState -p Result hardening-aide-init.service 2>/dev/null | tr '\\n' ' '"} {
		out, _, _, err := v.Run(ctx, cmd)
		if err != nil {
			return err
		}
		fmt.Printf("$ %s\n%s\n", cmd, strings.TrimSpace(out))
	}
	return nil
}
