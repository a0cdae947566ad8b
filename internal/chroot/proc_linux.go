package chroot

import (
	"os/exec"
	"syscall"
	"time"
)

func chrootAttr(root string) *syscall.SysProcAttr {
	// Setpgid puts the command and its children in one group, so a cancelled
	// build can stop all of them at once.
	return &syscall.SysProcAttr{Chroot: root, Setpgid: true}
}

// terminateGroup sends SIGTERM to the process group pgid, then SIGKILL after
// grace unless done is closed first.
func terminateGroup(pgid int, grace time.Duration, done <-chan struct{}) {
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(grace):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	}
}

func signalNumber(err *exec.ExitError) int {
	var ws syscall.WaitStatus
	if st, ok := err.Sys().(syscall.WaitStatus); ok {
		ws = st
	}
	if ws.Signaled() {
		return int(ws.Signal())
	}
	return 0
}

