package chroot

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// DefaultPath is the PATH commands see inside the chroot.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// passEnv are host variables handed to commands in the chroot: proxies, so apt
// works behind one, and SOURCE_DATE_EPOCH for reproducible tools.
var passEnv = []string{"http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"}

// Communicator runs commands and transfers files inside Root as root.
type Communicator struct {
	Root string
	// Env is added to every command's environment (KEY=value).
	Env []string
	// KillTimeout is how long a cancelled command gets after SIGTERM before
	// SIGKILL. Zero means 5 seconds.
	KillTimeout time.Duration
}

var _ packersdk.Communicator = (*Communicator)(nil)

func (c *Communicator) env() []string {
	env := []string{"PATH=" + DefaultPath, "HOME=/root", "LANG=C.UTF-8", "DEBIAN_FRONTEND=noninteractive"}
	for _, k := range passEnv {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return append(env, c.Env...)
}

// ErrUnsupported is returned where chroot builds cannot run.
var ErrUnsupported = errors.New("chroot builds need Linux (chroot and Linux pseudo-filesystems)")

// command builds an exec.Cmd that runs argv inside the chroot. It never
// returns a command that would run on the host instead.
func (c *Communicator) command(argv ...string) (*exec.Cmd, error) {
	attr := chrootAttr(c.Root)
	if attr == nil {
		return nil, ErrUnsupported
	}
	if c.Root == "" || filepath.Clean(c.Root) == "/" {
		return nil, fmt.Errorf("chroot root %q: refusing to run commands on the host", c.Root)
	}
	CloseInheritedFDs()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = "/"
	cmd.Env = c.env()
	cmd.SysProcAttr = attr
	// A daemon that a command leaves behind may keep stdout open; do not wait
	// for it forever once the command itself has exited.
	cmd.WaitDelay = 3 * time.Second
	return cmd, nil
}

// Start runs cmd.Command with /bin/sh -c inside the chroot. It returns once the
// process has started; cmd.SetExited is called when it ends. Cancelling ctx
// terminates the command's whole process group.
func (c *Communicator) Start(ctx context.Context, rc *packersdk.RemoteCmd) error {
	cmd, err := c.command("/bin/sh", "-c", rc.Command)
	if err != nil {
		return err
	}
	cmd.Stdin = rc.Stdin
	cmd.Stdout = rc.Stdout
	cmd.Stderr = rc.Stderr
	log.Printf("[chroot %s] starting: %s", c.Root, rc.Command)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start command in chroot %s: %w", c.Root, err)
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			terminateGroup(cmd.Process.Pid, c.killTimeout(), done)
		case <-done:
		}
	}()
	go func() {
		err := cmd.Wait()
		close(done)
		status := 0
		if errors.Is(err, exec.ErrWaitDelay) {
			// The command exited; something it left behind still holds its
			// output open. Its own exit status is what counts.
			log.Printf("[chroot %s] command exited but a background process kept its output open", c.Root)
			err = nil
			status = cmd.ProcessState.ExitCode()
		}
		if err != nil {
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				status = exitErr.ExitCode()
				if status < 0 { // killed by a signal
					status = 128 + signalNumber(exitErr)
				}
			} else {
				status = 1
			}
			log.Printf("[chroot %s] command ended: %v", c.Root, err)
		}
		rc.SetExited(status)
	}()
	return nil
}

func (c *Communicator) killTimeout() time.Duration {
	if c.KillTimeout > 0 {
		return c.KillTimeout
	}
	return 5 * time.Second
}

// run runs argv inside the chroot and returns a useful error with stderr.
func (c *Communicator) run(stdin io.Reader, stdout io.Writer, argv ...string) error {
	cmd, err := c.command(argv...)
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd.Stdin = stdin
	cmd.Stdout = stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg != "" {
			return fmt.Errorf("%w: %s", err, msg)
		}
		return err
	}
	return nil
}

// Upload writes r to dst inside the chroot. The mode comes from fi when given,
// else 0644.
func (c *Communicator) Upload(dst string, r io.Reader, fi *os.FileInfo) error {
	mode := fs.FileMode(0o644)
	if fi != nil && *fi != nil {
		mode = (*fi).Mode().Perm()
	}
	script := `umask 077 && cat > "$1" && chmod "$2" "$1"`
	if err := c.run(r, nil, "/bin/sh", "-c", script, "sh", dst, fmt.Sprintf("%04o", mode)); err != nil {
		return fmt.Errorf("upload to %s in chroot: %w", dst, err)
	}
	return nil
}

// UploadDir copies the local directory src to dst inside the chroot, following
// the usual rsync-like rule: with a trailing slash on src its contents are
// copied into dst, without it the directory itself is.
func (c *Communicator) UploadDir(dst string, src string, exclude []string) error {
	base := src
	prefix := ""
	if !strings.HasSuffix(src, "/") {
		base = filepath.Dir(filepath.Clean(src))
		prefix = filepath.Base(filepath.Clean(src))
	}
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(tarDir(pw, base, prefix, exclude))
	}()
	script := `mkdir -p "$1" && tar -x -f - -C "$1" --no-same-owner`
	err := c.run(pr, nil, "/bin/sh", "-c", script, "sh", dst)
	pr.CloseWithError(err)
	if err != nil {
		return fmt.Errorf("upload directory %s to %s in chroot: %w", src, dst, err)
	}
	return nil
}

// Download copies the file src inside the chroot to w.
func (c *Communicator) Download(src string, w io.Writer) error {
	if err := c.run(nil, w, "/bin/cat", "--", src); err != nil {
		return fmt.Errorf("download %s from chroot: %w", src, err)
	}
	return nil
}

// DownloadDir copies the directory src inside the chroot into the local
// directory dst.
func (c *Communicator) DownloadDir(src string, dst string, exclude []string) error {
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		err := untarInto(pr, dst, exclude)
		// tar pads its stream past the end-of-archive marker; read it all so
		// the writer is not cut off.
		_, _ = io.Copy(io.Discard, pr)
		errc <- err
	}()
	err := c.run(nil, pw, "/bin/sh", "-c", `cd "$1" && tar -c -f - .`, "sh", src)
	pw.CloseWithError(err)
	if uerr := <-errc; err == nil {
		err = uerr
	}
	if err != nil {
		return fmt.Errorf("download directory %s from chroot: %w", src, err)
	}
	return nil
}

// tarDir writes the local tree base/prefix as a tar stream, names relative to
// base.
func tarDir(w io.Writer, base, prefix string, exclude []string) error {
	tw := tar.NewWriter(w)
	start := filepath.Join(base, prefix)
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(base, p)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		if excluded(rel, exclude) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		link := ""
		if fi.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			return err
		}
		hdr.Name = filepath.ToSlash(rel)
		hdr.Uname, hdr.Gname = "", ""
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

func excluded(rel string, exclude []string) bool {
	for _, pattern := range exclude {
		if ok, _ := filepath.Match(pattern, rel); ok {
			return true
		}
		if ok, _ := filepath.Match(pattern, filepath.Base(rel)); ok {
			return true
		}
	}
	return false
}

// untarInto extracts a tar stream from the guest into dst on the host. Only
// directories, regular files and symlinks are written, and no entry may leave
// dst: the stream comes from the image and is not trusted.
func untarInto(r io.Reader, dst string, exclude []string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(dst)
	if err != nil {
		return err
	}
	defer root.Close()
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read tar stream: %w", err)
		}
		name := filepath.Clean(strings.TrimPrefix(hdr.Name, "./"))
		if name == "." || excluded(name, exclude) {
			continue
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := root.MkdirAll(name, 0o755); err != nil {
				return fmt.Errorf("create %s: %w", name, err)
			}
		case tar.TypeReg:
			if err := root.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				return fmt.Errorf("create %s: %w", filepath.Dir(name), err)
			}
			f, err := root.OpenFile(name, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, fs.FileMode(hdr.Mode).Perm())
			if err != nil {
				return fmt.Errorf("create %s: %w", name, err)
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("write %s: %w", name, err)
			}
		case tar.TypeSymlink:
			if err := root.Symlink(hdr.Linkname, name); err != nil && !errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("create symlink %s: %w", name, err)
			}
		}
	}
}
