package rootfs

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	"github.com/hashicorp/packer-plugin-sdk/multistep/commonsteps"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/imagesmith/packer-plugin-hardening/internal/disk"
)

// BuilderID identifies artifacts of this builder. It never changes.
const BuilderID = "imagesmith.hardening-rootfs"

// Builder bootstraps or imports a root filesystem, provisions it in a chroot
// and exports it as a reproducible tarball and, with a disk block, a
// bootable disk image.
type Builder struct {
	config Config
	runner multistep.Runner
}

// generatedVars are the names provisioners can read with build.<name>.
var generatedVars = []string{"RootfsPath", "SourceDateEpoch", "OutputDirectory", "TemporaryFiles"}

func (b *Builder) ConfigSpec() hcldec.ObjectSpec { return b.config.FlatMapstructure().HCL2Spec() }

func (b *Builder) Prepare(raws ...interface{}) ([]string, []string, error) {
	warnings, err := b.config.Prepare(raws...)
	if err != nil {
		return nil, warnings, err
	}
	return generatedVars, warnings, nil
}

func (b *Builder) Run(ctx context.Context, ui packersdk.Ui, hook packersdk.Hook) (packersdk.Artifact, error) {
	if err := b.config.hostCheck(); err != nil {
		return nil, err
	}
	state := new(multistep.BasicStateBag)
	state.Put("config", &b.config)
	state.Put("hook", hook)
	state.Put("ui", ui)

	steps := []multistep.Step{
		&stepCreateWorkDir{TempDirectory: b.config.TempDirectory},
		&stepPopulateRoot{Config: &b.config},
	}
	if b.config.Disk != nil {
		steps = append(steps, &stepPrepareDisk{Config: &b.config})
	}
	steps = append(steps,
		&stepMountPseudoFS{Env: b.config.chrootEnv()},
		&commonsteps.StepProvision{},
		&stepUnmountPseudoFS{},
		&stepNormalize{},
		&stepExport{Config: &b.config},
	)
	if b.config.Disk != nil {
		steps = append(steps, &stepBuildDisk{Config: &b.config})
	}
	b.runner = commonsteps.NewRunnerWithPauseFn(steps, b.config.PackerConfig, ui, state)
	b.runner.Run(ctx, state)

	if err, ok := state.GetOk("error"); ok {
		if e, isErr := err.(error); isErr {
			return nil, e
		}
		return nil, fmt.Errorf("%v", err)
	}
	if _, ok := state.GetOk(multistep.StateCancelled); ok {
		return nil, errors.New("build was cancelled")
	}
	if _, ok := state.GetOk(multistep.StateHalted); ok {
		return nil, errors.New("build was halted")
	}
	out, ok := state.GetOk("export")
	if !ok {
		return nil, errors.New("build finished without exporting a tarball")
	}
	exp := out.(exportResult)
	a := &Artifact{
		TarballPath:     exp.Path,
		ChecksumPath:    exp.ChecksumPath,
		SHA256:          exp.SHA256,
		Size:            exp.Size,
		SourceDateEpoch: b.config.SourceDateEpoch,
		generatedData:   generatedData(state),
	}
	if d, ok := state.GetOk("disk"); ok {
		res := d.(*disk.Result)
		for _, f := range res.Files {
			a.Disks = append(a.Disks, DiskFile{Format: f.Format, Path: f.Path, ChecksumPath: f.ChecksumPath, SHA256: f.SHA256, Size: f.Size})
		}
		a.DiskSize = res.DiskSize
	}
	return a, nil
}

// chrootEnv is added to every command run in the chroot.
func (c *Config) chrootEnv() []string {
	if c.SourceDateEpoch == nil {
		return nil
	}
	return []string{fmt.Sprintf("SOURCE_DATE_EPOCH=%d", *c.SourceDateEpoch)}
}

// halt records err for the user and stops the build.
func halt(state multistep.StateBag, err error) multistep.StepAction {
	state.Put("error", err)
	state.Get("ui").(packersdk.Ui).Error(err.Error())
	return multistep.ActionHalt
}

func generatedData(state multistep.StateBag) map[string]interface{} {
	if gd, ok := state.GetOk("generated_data"); ok {
		if m, ok := gd.(map[string]interface{}); ok {
			return m
		}
	}
	return map[string]interface{}{}
}
