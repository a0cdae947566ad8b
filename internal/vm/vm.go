package vm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Bounds of what the harness keeps of QEMU's output.
const (
	serialTailBytes = 256 << 10
	serialFileBytes = 16 << 20
	stderrTailBytes = 64 << 10
)

// VM is a running QEMU guest. Close it.
type VM struct {
	// Accel is the accelerator the guest runs under: "kvm" or "tcg".
	Accel string
	// Host and Port are where the guest's SSH server is reachable.
	Host string
	Port int
	// User logs in with the private key in KeyFile (OpenSSH format, 0600).
	User    string
	KeyFile string
	// Dir is the private directory of overlay, firmware variables, seed,
	// key and serial log; Close removes it.
	Dir string
	// SerialLog is the guest's serial console (its first 16 MiB).
	SerialLog string
	// Started is when the QEMU process that runs the guest started.
	Started time.Time

	opts   Options
	format string
	seed   *seed
	mach   machine

	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{} // closed when cmd has exited
	serial  *tail
	stderr  *tail
	logFile *os.File
	closed  bool
}

// ErrMissingTool says that QEMU, qemu-img, genisoimage or OVMF is not
// installed.
var ErrMissingTool = errors.New("missing tool")

// Requirements checks that the programs and firmware Boot uses exist.
func Requirements() error {
	var missing []string
	for _, p := range []struct{ prog, pkg string }{
		{"qemu-system-x86_64", "qemu-system-x86"},
		{"qemu-img", "qemu-utils"},
		{"genisoimage", "genisoimage"},
	} {
		if _, err := exec.LookPath(p.prog); err != nil {
			missing = append(missing, p.prog+" (package "+p.pkg+")")
		}
	}
	for _, f := range []string{OVMFCode, OVMFVars} {
		if _, err := os.Stat(f); err != nil {
			missing = append(missing, f+" (package ovmf)")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s: run scripts/tools.sh or apt-get install qemu-system-x86 qemu-utils ovmf genisoimage", ErrMissingTool, strings.Join(missing, ", "))
	}
	return nil
}

// Boot starts a VM on an overlay of opts.Disk and returns once QEMU runs
// the guest (under KVM: once the guest kernel is seen running, otherwise
// restarted under TCG). ctx bounds the start, not the VM's life: call
// WaitSSH next, and Close at the end.
func Boot(ctx context.Context, opts Options) (*VM, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := Requirements(); err != nil {
		return nil, err
	}
	format := o.Format
	if format == "" {
		if format, err = diskFormat(o.Disk); err != nil {
			return nil, err
		}
	}
	dir, err := os.MkdirTemp("", "hardening-vm-")
	if err != nil {
		return nil, fmt.Errorf("vm directory: %w", err)
	}
	v := &VM{Host: "127.0.0.1", User: o.User, Dir: dir, SerialLog: filepath.Join(dir, "serial.log"), opts: o, format: format}
	if err := v.boot(ctx); err != nil {
		_ = v.Close()
		return nil, err
	}
	return v, nil
}

func (v *VM) boot(ctx context.Context) error {
	o := v.opts
	var err error
	if v.seed, err = newSeed(v.Dir, o.User, o.Hostname); err != nil {
		return err
	}
	v.KeyFile = v.seed.keyFile
	v.mach = machine{
		memoryMiB: o.MemoryMiB,
		overlay:   filepath.Join(v.Dir, "overlay.qcow2"),
		seedISO:   filepath.Join(v.Dir, "seed.iso"),
		varsFile:  filepath.Join(v.Dir, "OVMF_VARS.fd"),
		codeFile:  OVMFCode,
	}
	if err := v.seed.writeISO(v.Dir, v.mach.seedISO); err != nil {
		return err
	}
	accel := o.Accel
	if accel == AccelAuto {
		accel = AccelTCG
		if ok, why := kvmUsable(); ok {
			accel = AccelKVM
		} else {
			o.Logf("vm: /dev/kvm not usable (%s): using TCG", why)
		}
	}
	if accel == AccelKVM {
		err := v.start(ctx, AccelKVM)
		if err == nil {
			err = v.probeKVM(ctx)
		}
		if err == nil || o.Accel == AccelKVM || ctx.Err() != nil {
			return err
		}
		o.Logf("vm: KVM does not run this guest (%v): restarting under TCG", err)
		v.stop()
	}
	return v.start(ctx, AccelTCG)
}

// start creates a fresh overlay and firmware variables and starts QEMU
// under accel with SSH on a free port.
func (v *VM) start(ctx context.Context, accel string) error {
	for _, f := range []string{v.mach.overlay, v.mach.varsFile, v.SerialLog} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("reset %s: %w", f, err)
		}
	}
	if err := createOverlay(v.opts.Disk, v.format, v.mach.overlay, v.opts.GrowTo); err != nil {
		return err
	}
	if err := copyFile(OVMFVars, v.mach.varsFile); err != nil {
		return err
	}
	v.mach.accel = accel
	var err error
	// The free port may be taken between our probe and QEMU's bind; try
	// another then.
	for attempt := 0; attempt < 3; attempt++ {
		if err = v.startQEMU(); err == nil || !strings.Contains(err.Error(), "forwarding") || ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		return err
	}
	v.Accel = accel
	v.opts.Logf("vm: QEMU pid %d runs %s under %s, ssh on %s:%d", v.cmd.Process.Pid, v.opts.Disk, strings.ToUpper(accel), v.Host, v.Port)
	return nil
}

func (v *VM) startQEMU() error {
	port, err := freePort()
	if err != nil {
		return err
	}
	v.mach.sshPort = port
	logFile, err := os.OpenFile(v.SerialLog, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("serial log: %w", err)
	}
	serial, stderr := newTail(serialTailBytes), newTail(stderrTailBytes)
	serial.file, serial.fileMax = logFile, serialFileBytes
	cmd := exec.Command(qemuProgram, v.mach.args()...)
	cmd.Dir = v.Dir
	cmd.Stdout, cmd.Stderr = serial, stderr
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("start qemu-system-x86_64: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	v.mu.Lock()
	v.cmd, v.done, v.serial, v.stderr, v.logFile, v.Port, v.Started = cmd, done, serial, stderr, logFile, port, time.Now()
	v.mu.Unlock()
	// A bad command line or a taken port makes QEMU exit at once.
	select {
	case <-done:
		err := fmt.Errorf("qemu-system-x86_64 exited at start (%v): %s", cmd.ProcessState, lastLines(stderr.String(), 20))
		v.stop()
		return err
	case <-time.After(time.Second):
		return nil
	}
}

// probeKVM waits until the guest shows that it runs under KVM: kernel
// output on the serial console or an SSH banner. QEMU saying that KVM
// failed, QEMU exiting, or nothing within KVMProbe is an error.
func (v *VM) probeKVM(ctx context.Context) error {
	deadline := time.Now().Add(v.opts.KVMProbe)
	for {
		if line := kvmFailure(v.stderr.String()); line != "" {
			return fmt.Errorf("qemu: %s", line)
		}
		if exited, why := v.exited(); exited {
			return errors.New(why)
		}
		if kernelRunning(v.serial.String()) || sshBanner(v.Host, v.Port) {
			v.opts.Logf("vm: guest runs under KVM")
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no kernel output on the serial console and no SSH within %s; last serial lines:\n%s", v.opts.KVMProbe, v.SerialTail(10))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("boot under KVM: %w", ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// exited says whether QEMU has exited, and how, with its last messages.
func (v *VM) exited() (bool, string) {
	v.mu.Lock()
	cmd, done, stderr := v.cmd, v.done, v.stderr
	v.mu.Unlock()
	if cmd == nil {
		return true, "qemu is not running"
	}
	select {
	case <-done:
		return true, fmt.Sprintf("qemu exited (%v): %s", cmd.ProcessState, lastLines(stderr.String(), 20))
	default:
		return false, ""
	}
}

// SerialTail is the last n lines of the guest's serial console, without
// control characters.
func (v *VM) SerialTail(n int) string {
	v.mu.Lock()
	s := v.serial
	v.mu.Unlock()
	if s == nil {
		return ""
	}
	return lastLines(s.String(), n)
}

// stop kills QEMU's process group and waits for it.
func (v *VM) stop() {
	v.mu.Lock()
	cmd, done, logFile := v.cmd, v.done, v.logFile
	v.cmd, v.logFile = nil, nil
	v.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		v.opts.Logf("vm: QEMU pid %d did not exit 30s after SIGKILL", cmd.Process.Pid)
	}
	logFile.Close()
}

// Close kills QEMU and removes Dir. It may be called more than once.
func (v *VM) Close() error {
	v.stop()
	v.mu.Lock()
	closed := v.closed
	v.closed = true
	v.mu.Unlock()
	if closed {
		return nil
	}
	if err := os.RemoveAll(v.Dir); err != nil {
		return fmt.Errorf("remove vm directory: %w", err)
	}
	return nil
}

// sshBanner says whether an SSH server answers on host:port. QEMU's user
// networking accepts connections even when the guest does not, so only
// the banner counts.
func sshBanner(host string, port int) bool {
	c, err := net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(port)), time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	b := make([]byte, 4)
	_, err = io.ReadFull(c, b)
	return err == nil && string(b) == "SSH-"
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return nil
}
