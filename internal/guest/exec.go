//go:generate packer-sdc struct-markdown

package guest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"
)

// DefaultExecuteCommand runs the script as root: directly when the user is
// root, otherwise through sudo ({{.Sudo}} is `sudo -n`, or `sudo -S -p ”`
// with the password on standard input when sudo_password is set).
const DefaultExecuteCommand = `if [ "$(id -u)" -eq 0 ]; then sh '{{.Path}}' '{{.Results}}'; else {{.Sudo}} sh '{{.Path}}' '{{.Results}}'; fi`

// ExecConfig says how a provisioner runs its script in the guest; the
// provisioners embed it. Interpolation must skip execute_command: it is
// rendered per run.
type ExecConfig struct {
	// The guest folder the script and its results are uploaded to and read
	// from. The script runs with `sh`, so the folder need not allow exec.
	// Defaults to `/var/tmp`.
	RemoteFolder string `mapstructure:"remote_folder" required:"false"`
	// The command that runs the script as root. Defaults to running it with
	// `sh` directly as root, or through `{{.Sudo}}` otherwise. Available:
	// `{{.Path}}` (the script), `{{.Results}}` (its results file, the
	// script's one argument) and `{{.Sudo}}`.
	ExecuteCommand string `mapstructure:"execute_command" required:"false"`
	// The build user's sudo password, for users whose sudo asks for one. It
	// is sent on standard input, never on a command line, and never written
	// to logs or evidence.
	SudoPassword string `mapstructure:"sudo_password" required:"false"`
}

// Prepare applies defaults, keeps the password out of logs and returns one
// error per bad field.
func (c *ExecConfig) Prepare() []error {
	if c.SudoPassword != "" {
		packersdk.LogSecretFilter.Set(c.SudoPassword)
	}
	if c.RemoteFolder == "" {
		c.RemoteFolder = "/var/tmp"
	}
	if c.ExecuteCommand == "" {
		c.ExecuteCommand = DefaultExecuteCommand
	}
	var errs []error
	if !strings.HasPrefix(c.RemoteFolder, "/") || strings.ContainsAny(c.RemoteFolder, "'\n") {
		errs = append(errs, fmt.Errorf("remote_folder: %q must be an absolute guest path without quotes", c.RemoteFolder))
	}
	if !strings.Contains(c.ExecuteCommand, "{{.Path}}") || !strings.Contains(c.ExecuteCommand, "{{.Results}}") {
		errs = append(errs, fmt.Errorf("execute_command: %q must use {{.Path}} and {{.Results}}", c.ExecuteCommand))
	}
	return errs
}

type commandData struct {
	Path, Results, Sudo string
}

// Runner returns a runner for comm that runs scripts with execute_command,
// rendered in ctx. A rendering error is stored in *renderErr.
func (c *ExecConfig) Runner(comm packersdk.Communicator, ctx *interpolate.Context, maxResults int64, progress func(string), renderErr *error) *Runner {
	sudo, stdin := "sudo -n", ""
	if c.SudoPassword != "" {
		sudo, stdin = "sudo -S -p ''", c.SudoPassword+"\n"
	}
	return &Runner{
		Comm:         comm,
		RemoteFolder: c.RemoteFolder,
		Stdin:        stdin,
		MaxResults:   maxResults,
		Progress:     progress,
		Command: func(path, results string) string {
			ctx.Data = &commandData{Path: path, Results: results, Sudo: sudo}
			cmd, err := interpolate.Render(c.ExecuteCommand, ctx)
			*renderErr = err
			return cmd
		},
	}
}

// ExplainRunError turns the usual reason a script cannot run, sudo, into
// advice; what names the script.
func ExplainRunError(err error, out *Outcome, what string) error {
	if out != nil && out.Results == nil && strings.Contains(out.Stderr, "sudo") {
		lines := strings.Split(strings.TrimSpace(out.Stderr), "\n")
		return fmt.Errorf("the build user cannot run the %s script as root (sudo said: %s): give the user passwordless sudo, set sudo_password, or connect as root",
			what, strings.TrimSpace(lines[len(lines)-1]))
	}
	return err
}

// ScriptName is prefix and a random suffix, so concurrent or leftover runs
// never share files.
func ScriptName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}
