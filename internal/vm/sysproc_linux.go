package vm

import "syscall"

// sysProcAttr puts QEMU in its own process group, which stop kills, and
// kills it if this process dies first.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
