// Package shlint holds the test that runs shellcheck over the project's
// shell files: the scripts, and the shell the plugin runs in guests. The
// CIS catalogue's rule bodies are fragments of functions: internal/cis
// lints them in the scripts they are generated into.
package shlint
