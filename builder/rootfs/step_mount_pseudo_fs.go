package rootfs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/packerbuilderdata"

	"github.com/imagesmith/packer-plugin-hardening/internal/chroot"
)

// policyRCD tells invoke-rc.d and deb-systemd-invoke not to start services:
// a daemon started in the chroot would run on the build host.
const policyRCD = "#!/bin/sh\n# Installed by the hardening-rootfs builder for the build only: no service starts in the chroot.\nexit 101\n"

// stepMountPseudoFS prepares the root for provisioning: pseudo-filesystems,
// the host's DNS configuration and a services policy, and the chroot
// communicator. Its teardown is shared with stepUnmountPseudoFS so the tree is
// unmounted before export and, whatever happens, at cleanup.
type stepMountPseudoFS struct {
	Env []string

	teardown func(ui packersdk.Ui) error
}

func (s *stepMountPseudoFS) Run(_ context.Context, state multistep.StateBag) multistep.StepAction {
	ui := state.Get("ui").(packersdk.Ui)
	root := state.Get("root").(string)

	ui.Say("Mounting /proc, /sys, /dev, /dev/pts, /dev/shm and /run in the root filesystem...")
	if err := chroot.Mount(root); err != nil {
		return halt(state, err)
	}
	var temps []*tempFile
	var once sync.Once
	var tdErr error
	s.teardown = func(ui packersdk.Ui) error {
		once.Do(func() { tdErr = teardown(root, temps, ui) })
		return tdErr
	}
	state.Put("teardown", s.teardown)

	r, err := os.OpenRoot(root)
	if err != nil {
		return halt(state, fmt.Errorf("open root %s: %w", root, err))
	}
	defer r.Close()

	if hostResolv, err := os.ReadFile("/etc/resolv.conf"); err == nil {
		if _, err := r.Stat("etc"); err == nil {
			t, err := placeTempFile(r, "etc/resolv.conf", hostResolv, 0o644, false)
			if err != nil {
				return halt(state, err)
			}
			temps = append(temps, t)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return halt(state, fmt.Errorf("read the host's /etc/resolv.conf: %w", err))
	}
	if _, err := r.Stat("usr/sbin"); err == nil {
		t, err := placeTempFile(r, "usr/sbin/policy-rc.d", []byte(policyRCD), 0o755, true)
		if err != nil {
			return halt(state, err)
		}
		if t != nil {
			temps = append(temps, t)
		}
	}

	state.Put("communicator", &chroot.Communicator{Root: root, Env: s.Env})
	gd := &packerbuilderdata.GeneratedData{State: state}
	gd.Put("RootfsPath", root)
	gd.Put("SourceDateEpoch", envValue(s.Env, "SOURCE_DATE_EPOCH"))
	cfg := state.Get("config").(*Config)
	gd.Put("OutputDirectory", cfg.OutputDirectory)
	// Provisioners that inventory the image (hardening-finalize) leave these
	// out: they are restored before export.
	var names []string
	for _, t := range temps {
		names = append(names, "/"+t.name)
		if t.backup != "" {
			names = append(names, "/"+t.backup)
		}
	}
	gd.Put("TemporaryFiles", strings.Join(names, "\n"))
	return multistep.ActionContinue
}

func (s *stepMountPseudoFS) Cleanup(state multistep.StateBag) {
	if s.teardown == nil {
		return
	}
	ui := state.Get("ui").(packersdk.Ui)
	if err := s.teardown(ui); err != nil {
		ui.Error(err.Error())
	}
}

// teardown stops what runs in the chroot, unmounts and restores the image's
// own files.
func teardown(root string, temps []*tempFile, ui packersdk.Ui) error {
	var errs []error
	if err := chroot.Unmount(root); err != nil {
		errs = append(errs, err)
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("open root %s: %w", root, err))...)
	}
	defer r.Close()
	for i := len(temps) - 1; i >= 0; i-- {
		changed, err := temps[i].restore(r)
		if err != nil {
			errs = append(errs, err)
		} else if changed {
			ui.Message(fmt.Sprintf("Keeping /%s as the provisioners left it.", temps[i].name))
		}
	}
	return errors.Join(errs...)
}

func envValue(env []string, key string) string {
	for _, kv := range env {
		if len(kv) > len(key) && kv[:len(key)+1] == key+"=" {
			return kv[len(key)+1:]
		}
	}
	return ""
}

// stepUnmountPseudoFS tears the chroot down before export, so the tarball
// never sees the pseudo-filesystems or our temporary files.
type stepUnmountPseudoFS struct{}

func (s *stepUnmountPseudoFS) Run(_ context.Context, state multistep.StateBag) multistep.StepAction {
	ui := state.Get("ui").(packersdk.Ui)
	td, ok := state.GetOk("teardown")
	if !ok {
		return multistep.ActionContinue
	}
	ui.Say("Unmounting pseudo-filesystems...")
	if err := td.(func(packersdk.Ui) error)(ui); err != nil {
		return halt(state, fmt.Errorf("tear down the chroot: %w", err))
	}
	return multistep.ActionContinue
}

func (s *stepUnmountPseudoFS) Cleanup(multistep.StateBag) {}
