//go:build !linux

package chroot

func Mount(string) error                   { return ErrUnsupported }
func Unmount(string) error                 { return nil }
func MountsUnder(string) ([]string, error) { return nil, nil }
func KillProcesses(string) error           { return nil }
