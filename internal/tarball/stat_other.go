//go:build !unix

package tarball

import "io/fs"

type statInfo struct{ uid, gid, nlink, dev, ino, rdev uint64 }

// statOf reports no ownership information: tarballs of a root filesystem are
// only written on Linux.
func statOf(fs.FileInfo) (statInfo, bool) { return statInfo{}, false }
