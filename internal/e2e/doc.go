// Package e2e is test support for end-to-end tests: it finds Packer, builds
// and installs this plugin into a private plugin directory, runs builds,
// provides the cloud-like Debian 12 root filesystem and runs that
// filesystem's own sshd on 127.0.0.1. Only _test.go files import it.
package e2e
