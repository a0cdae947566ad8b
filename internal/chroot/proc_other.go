//go:build !linux

package chroot

import (
	"os/exec"
	"syscall"
	"time"
)

func chrootAttr(string) *syscall.SysProcAttr { return nil }

func terminateGroup(int, time.Duration, <-chan struct{}) {}

func signalNumber(*exec.ExitError) int { return 0 }

// CloseInheritedFDs does nothing where chroot builds cannot run.
func CloseInheritedFDs() {}
