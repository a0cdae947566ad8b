package rootfs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/imagesmith/packer-plugin-hardening/internal/disk"
)

// stepPrepareDisk fixes the disk's identifiers and writes the image's
// /etc/fstab for them before provisioning, so that what provisioners record
// about the root filesystem (the finalize manifest) is what the disk holds.
type stepPrepareDisk struct {
	Config *Config
}

func (s *stepPrepareDisk) Run(_ context.Context, state multistep.StateBag) multistep.StepAction {
	ui := state.Get("ui").(packersdk.Ui)
	root := state.Get("root").(string)
	layout := disk.NewLayout(s.Config.diskSeed())
	if err := disk.WriteFstab(root, layout); err != nil {
		return halt(state, fmt.Errorf("prepare the disk image: %w", err))
	}
	ui.Say(fmt.Sprintf("Disk image: root filesystem UUID %s, EFI system partition %s; /etc/fstab mounts them by UUID.", layout.RootFSUUID, layout.ESPUUID))
	state.Put("disk_layout", layout)
	return multistep.ActionContinue
}

func (s *stepPrepareDisk) Cleanup(multistep.StateBag) {}

// stepBuildDisk writes the bootable disk files after the tarball.
type stepBuildDisk struct {
	Config *Config
}

func (s *stepBuildDisk) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	ui := state.Get("ui").(packersdk.Ui)
	root := state.Get("root").(string)
	c := s.Config
	layout := state.Get("disk_layout").(disk.Layout)

	if err := refuseMounts(root, "build the disk image"); err != nil {
		return halt(state, err)
	}
	epoch := c.epoch()
	if epoch.IsZero() {
		epoch = time.Now().UTC().Truncate(time.Second)
	}
	ui.Say(fmt.Sprintf("Building the disk image (%s)...", strings.Join(c.Disk.Formats, ", ")))
	start := time.Now()
	res, err := disk.Build(ctx, disk.Options{
		Root:     root,
		Dir:      c.OutputDirectory,
		Name:     c.Disk.Name,
		Formats:  c.Disk.Formats,
		MinSize:  c.Disk.minSize,
		Layout:   layout,
		Epoch:    epoch,
		Cmdline:  c.Disk.KernelCmdline,
		Progress: func(line string) { ui.Message(line) },
	})
	if err != nil {
		return halt(state, fmt.Errorf("build the disk image: %w", err))
	}
	if !res.Boot.Growpart {
		ui.Error("Warning: the image has no growpart (cloud-guest-utils): its root partition will not grow to a larger disk at first boot.")
	}
	var phases []string
	for _, p := range res.Phases {
		phases = append(phases, fmt.Sprintf("%s %s", p.Name, p.Duration.Round(10*time.Millisecond)))
	}
	ui.Say(fmt.Sprintf("Disk image of %d GiB in %s (%s); boots %s with %q.", res.DiskSize>>30,
		time.Since(start).Round(10*time.Millisecond), strings.Join(phases, ", "), res.Boot.Kernel, res.Boot.Cmdline))
	state.Put("disk", res)
	return multistep.ActionContinue
}

func (s *stepBuildDisk) Cleanup(multistep.StateBag) {}
