//go:build unix

package tarball

import (
	"io/fs"
	"syscall"
)

type statInfo struct{ uid, gid, nlink, dev, ino, rdev uint64 }

func statOf(fi fs.FileInfo) (statInfo, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return statInfo{}, false
	}
	return statInfo{
		uid: uint64(st.Uid), gid: uint64(st.Gid), nlink: uint64(st.Nlink),
		dev: uint64(st.Dev), ino: uint64(st.Ino), rdev: uint64(st.Rdev),
	}, true
}
