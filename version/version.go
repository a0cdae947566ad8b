// Package version holds the plugin's version, set at release time with
// -ldflags "-X github.com/imagesmith/packer-plugin-hardening/version.Version=...".
package version

import "github.com/hashicorp/packer-plugin-sdk/version"

var (
	// Version is the release version without a leading "v".
	Version = "0.1.0"
	// VersionPrerelease marks a development build ("dev") or a release
	// candidate; empty for a release.
	VersionPrerelease = "dev"
	// VersionMetadata is optional build metadata.
	VersionMetadata = ""
	// PluginVersion is what the plugin reports to Packer in `describe`.
	PluginVersion = version.NewPluginVersion(Version, VersionPrerelease, VersionMetadata)
)
