// Package guestsh holds the shell shared by every script the plugin runs in
// a guest, whatever the script does: today the results-file protocol. The
// script generators put Lib before their own shell.
package guestsh

import _ "embed"

// Lib defines g_results_open and g_results_publish (see results.sh).
//
//go:embed results.sh
var Lib string
