package manifest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
)

// Walk computes the manifest of the tree at root as the guest would see it
// with root as "/": the same entries the in-guest listing gives, from Go.
// Paths in prune (image paths such as /proc) are left out with everything
// below them. Regular files are hashed by one worker per CPU.
func Walk(root string, prune []string) (*Manifest, error) {
	root = filepath.Clean(root)
	skip := map[string]bool{}
	for _, p := range prune {
		skip[p] = true
	}
	m := &Manifest{}
	var files []int
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := "/" + strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
		if skip[rel] {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return fmt.Errorf("%s: no stat data", p)
		}
		e := Entry{Path: rel, Mode: uint32(st.Mode & 0o7777), UID: st.Uid, GID: st.Gid, Size: -1}
		switch fi.Mode().Type() {
		case 0:
			e.Type, e.Size = 'f', fi.Size()
			files = append(files, len(m.Entries))
		case fs.ModeDir:
			e.Type = 'd'
		case fs.ModeSymlink:
			e.Type = 'l'
			if e.Target, err = os.Readlink(p); err != nil {
				return err
			}
		case fs.ModeDevice | fs.ModeCharDevice:
			e.Type = 'c'
		case fs.ModeDevice:
			e.Type = 'b'
		case fs.ModeNamedPipe:
			e.Type = 'p'
		case fs.ModeSocket:
			e.Type = 's'
		default:
			return fmt.Errorf("%s: unsupported file type %v", p, fi.Mode().Type())
		}
		m.Entries = append(m.Entries, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk %s: %w", root, err)
	}
	if err := hashAll(root, m.Entries, files); err != nil {
		return nil, err
	}
	m.Sort()
	return m, nil
}

func hashAll(root string, entries []Entry, files []int) error {
	work := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 256<<10)
			for i := range work {
				sum, err := hashFile(filepath.Join(root, entries[i].Path), buf)
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					continue
				}
				entries[i].SHA256 = sum
			}
		}()
	}
	for _, i := range files {
		work <- i
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

func hashFile(p string, buf []byte) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", fmt.Errorf("hash: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.CopyBuffer(h, f, buf); err != nil {
		return "", fmt.Errorf("hash %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
