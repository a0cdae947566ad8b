package rootfs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/imagesmith/packer-plugin-hardening/internal/chroot"
)

// stepCreateWorkDir creates the private directory the root filesystem is
// assembled in, and removes it at the end unless something is still mounted
// below it.
type stepCreateWorkDir struct {
	TempDirectory string

	workDir string
}

func (s *stepCreateWorkDir) Run(_ context.Context, state multistep.StateBag) multistep.StepAction {
	dir, err := os.MkdirTemp(s.TempDirectory, "packer-hardening-rootfs-")
	if err != nil {
		return halt(state, fmt.Errorf("create work directory in %s: %w", s.TempDirectory, err))
	}
	s.workDir = dir
	// MkdirTemp makes it private; apt's unprivileged _apt user must be able
	// to reach the tree below it during the bootstrap.
	if err := os.Chmod(dir, 0o755); err != nil {
		return halt(state, fmt.Errorf("chmod work directory %s: %w", dir, err))
	}
	root := filepath.Join(dir, "root")
	if err := os.Mkdir(root, 0o755); err != nil {
		return halt(state, fmt.Errorf("create root directory %s: %w", root, err))
	}
	state.Put("root", root)
	return multistep.ActionContinue
}

func (s *stepCreateWorkDir) Cleanup(state multistep.StateBag) {
	if s.workDir == "" {
		return
	}
	ui := state.Get("ui").(packersdk.Ui)
	// Never delete through a mount: that would delete the host's /dev or /proc
	// contents. The mount step's cleanup runs before this one.
	if mounts, err := chroot.MountsUnder(s.workDir); err != nil || len(mounts) > 0 {
		ui.Error(fmt.Sprintf("Not removing work directory %s: still mounted below it: %v %v. Unmount with `umount -R %s`, then delete it.", s.workDir, mounts, err, s.workDir))
		return
	}
	if err := os.RemoveAll(s.workDir); err != nil {
		ui.Error(fmt.Sprintf("Could not remove work directory %s: %v; delete it by hand.", s.workDir, err))
	}
}
