// Package cis holds the CIS-style control catalogue (Debian 12, Ubuntu 22.04
// and 24.04; Level 1 and 2; server and workstation), selects the controls of
// a profile, generates the one POSIX sh script that audits and remediates
// them in the guest, and turns the script's JSON-lines output into results.
//
// The catalogue is data: every control names its check and remediation as
// short shell bodies built on the helper functions of lib.sh. Nothing in this
// package performs I/O or knows about Packer.
package cis
