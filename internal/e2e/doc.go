// Package e2e is test support for end-to-end tests (Linux, root, gated by
// HARDENING_E2E or PACKER_ACC): it finds Packer, builds and installs this
// plugin into a private plugin directory, runs builds, provides and unpacks
// the cloud-like Debian 12 root filesystem, and runs that filesystem's own
// sshd chrooted on 127.0.0.1 with users for key logins and sudo. Only
// _test.go files import it.
package e2e
