package chroot

import (
	"os"
	"os/exec"
	"strconv"
	"sync"
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

// CloseInheritedFDs marks every descriptor above stderr close-on-exec. A
// plugin process inherits descriptors from Packer that Go does not know
// about; without this they leak into every child, and tools that expect free
// low descriptor numbers (mmdebstrap hands apt `cat >&N`, which dash only
// parses for N < 10) fail. Only descriptors inherited at start need it (Go
// opens its own close-on-exec), so the scan runs once per process.
func CloseInheritedFDs() { closeInheritedOnce.Do(closeInheritedFDs) }

var closeInheritedOnce sync.Once

func closeInheritedFDs() {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return
	}
	for _, e := range entries {
		fd, err := strconv.Atoi(e.Name())
		if err != nil || fd <= 2 {
			continue
		}
		syscall.CloseOnExec(fd)
	}
}
