package attest

import (
	"fmt"
	"strings"
)

// BuilderID identifies this post-processor's artifacts.
const BuilderID = "imagesmith.hardening-attest"

// Artifact is the attested input artifact: the same images and state, plus
// the attestation files.
type Artifact struct {
	in interface {
		Id() string
		State(name string) interface{}
		String() string
	}
	manifest string
	files    []string
}

func (a *Artifact) BuilderId() string { return BuilderID }

// Files are the files written locally: the manifest and each image's directory contents.
func (a *Artifact) Files() []string { return a.files }

// Id is the input artifact's, so later post-processors see the same images.
func (a *Artifact) Id() string { return a.in.Id() }

func (a *Artifact) String() string {
	return fmt.Sprintf("%s\nAttested: %d file(s), manifest %s", strings.TrimSpace(a.in.String()), len(a.files), a.manifest)
}

// State passes the input artifact's state through.
func (a *Artifact) State(name string) interface{} { return a.in.State(name) }

// Destroy does nothing: the images belong to the user, and the attestations
// must outlive any later post-processor's failure.
func (a *Artifact) Destroy() error { return nil }
