package rootfs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// The helpers below change files inside the image through an os.Root, so a
// symlink in the image can never redirect a write or delete onto the host.

func removeInRoot(root, name string) error {
	r, err := os.OpenRoot(root)
	if err != nil {
		return fmt.Errorf("open root %s: %w", root, err)
	}
	defer r.Close()
	if err := r.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove /%s from the image: %w", name, err)
	}
	return nil
}

// tempFile is a file we put into the image for the build only. It remembers
// what it displaced so the image gets its own file back.
type tempFile struct {
	name    string // relative to the root
	backup  string // where the image's own file was moved, "" if none
	content []byte
}

// placeTempFile writes content to name inside root, moving an existing file
// (or symlink) aside to name.packer-hardening-orig. With keepExisting an
// existing file is left alone and nil is returned.
func placeTempFile(r *os.Root, name string, content []byte, mode fs.FileMode, keepExisting bool) (*tempFile, error) {
	t := &tempFile{name: name, content: content}
	if _, err := r.Lstat(name); err == nil {
		if keepExisting {
			return nil, nil
		}
		t.backup = name + ".packer-hardening-orig"
		if err := r.Rename(name, t.backup); err != nil {
			return nil, fmt.Errorf("move /%s aside: %w", name, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("inspect /%s: %w", name, err)
	}
	if err := r.WriteFile(name, content, mode); err != nil {
		return nil, fmt.Errorf("write /%s: %w", name, err)
	}
	if err := r.Chmod(name, mode); err != nil { // WriteFile honours the umask
		return nil, fmt.Errorf("chmod /%s: %w", name, err)
	}
	return t, nil
}

// restore removes the temporary file and puts the image's own back. When a
// provisioner replaced the file on purpose, its version wins and changed is
// true.
func (t *tempFile) restore(r *os.Root) (changed bool, err error) {
	cur, rerr := r.ReadFile(t.name)
	fi, lerr := r.Lstat(t.name)
	ours := rerr == nil && lerr == nil && fi.Mode().IsRegular() && bytes.Equal(cur, t.content)
	if !ours && lerr == nil {
		// Replaced during the build: keep it, drop our backup.
		if t.backup != "" {
			if err := r.RemoveAll(t.backup); err != nil {
				return true, fmt.Errorf("remove /%s: %w", t.backup, err)
			}
		}
		return true, nil
	}
	if ours {
		if err := r.Remove(t.name); err != nil {
			return false, fmt.Errorf("remove temporary /%s: %w", t.name, err)
		}
	}
	if t.backup != "" {
		if err := r.Rename(t.backup, t.name); err != nil {
			return false, fmt.Errorf("restore /%s: %w", t.name, err)
		}
	}
	return !ours, nil
}
