// Package cis is the engine of the CIS-style control catalogue (Debian 12,
// Ubuntu 22.04 and 24.04; Level 1 and 2; server and workstation): it loads
// and validates the catalogue, selects the rules of a profile, generates the
// one POSIX sh script that audits and remediates them in the guest, and turns
// the script's JSON-lines output into results.
//
// The catalogue itself is data and shell in catalogue/, embedded in the
// plugin: a folder per rule (rule.yml and check.sh/fix.sh, or a template
// invocation), templates for the common shapes, one mapping file per
// benchmark, the runtime library and a platform layer per distribution
// family. catalogue/README.md explains the layout and how to add a rule, a
// template, a benchmark or a platform. Nothing in this package performs I/O
// beyond reading its embedded files, or knows about Packer.
package cis
