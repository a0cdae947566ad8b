// Package tarball writes a directory tree as a byte-reproducible tar stream:
// entries in sorted order, numeric ownership only, modification times clamped to
// an epoch, hard links, symlinks, device nodes, extended attributes and file
// capabilities kept, and nothing else of the host (no user names, access or
// change times) recorded.
package tarball
