// Package imageref turns a Packer artifact into provider-neutral references to
// the images it built: one per AMI and region, one per GCE image, one per
// local rootfs tarball. Artifact state crosses Packer's RPC boundary as
// msgpack, so every value is decoded tolerantly, whatever shape it arrives in.
package imageref
