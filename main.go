// Command packer-plugin-hardening is a Packer plugin that hardens, inventories
// and attests machine images. main only registers components, and hands
// `packer-plugin-hardening verify ...` to the verify command.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/packer-plugin-sdk/plugin"

	"github.com/imagesmith/packer-plugin-hardening/builder/rootfs"
	"github.com/imagesmith/packer-plugin-hardening/internal/verifycli"
	"github.com/imagesmith/packer-plugin-hardening/post-processor/attest"
	"github.com/imagesmith/packer-plugin-hardening/provisioner/finalize"
	"github.com/imagesmith/packer-plugin-hardening/provisioner/hardening"
	"github.com/imagesmith/packer-plugin-hardening/version"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "verify" {
		os.Exit(verifycli.Main(context.Background(), os.Args[2:], os.Stdout, os.Stderr, verifycli.DefaultClouds))
	}
	pps := plugin.NewSet()
	pps.RegisterBuilder("rootfs", new(rootfs.Builder))
	// The default name makes the HCL provisioner "hardening".
	pps.RegisterProvisioner(plugin.DEFAULT_NAME, new(hardening.Provisioner))
	pps.RegisterProvisioner("finalize", new(finalize.Provisioner))
	pps.RegisterPostProcessor("attest", new(attest.PostProcessor))
	pps.SetVersion(version.PluginVersion)
	if err := pps.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err.Error())
		os.Exit(1)
	}
}
