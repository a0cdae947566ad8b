package attest

import (
	"context"
	"crypto"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2/hcldec"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce"
	"github.com/imagesmith/packer-plugin-hardening/internal/imageref"
)

// PostProcessor is hardening-attest: it signs provenance, SBOM and CIS
// statements about every image of an artifact and publishes them.
type PostProcessor struct {
	config Config

	// awsConfig and gceConfig adjust the cloud clients' settings; tests
	// point them at local endpoints.
	awsConfig func(*aws.Config)
	gceConfig func(*gce.Config)
	now       func() time.Time
}

func (p *PostProcessor) ConfigSpec() hcldec.ObjectSpec { return p.config.FlatMapstructure().HCL2Spec() }

func (p *PostProcessor) Configure(raws ...interface{}) error { return p.config.Prepare(raws...) }

// PostProcess always keeps the input artifact and forbids Packer from
// deleting it: a failed attestation must never cost the user their image.
func (p *PostProcessor) PostProcess(ctx context.Context, ui packersdk.Ui, in packersdk.Artifact) (packersdk.Artifact, bool, bool, error) {
	out, err := p.run(ctx, ui, in)
	if err != nil {
		return in, true, true, fmt.Errorf("hardening-attest: %w", err)
	}
	return out, true, true, nil
}

func (p *PostProcessor) run(ctx context.Context, ui packersdk.Ui, in packersdk.Artifact) (*Artifact, error) {
	c := &p.config
	now := time.Now
	if p.now != nil {
		now = p.now
	}
	for _, w := range c.warnings {
		ui.Error("hardening-attest: WARNING: " + w)
	}
	refs, err := imageref.FromArtifact(in, imageref.Options{GCEProject: c.GCEProject})
	if err != nil {
		return nil, err
	}
	ev, err := loadEvidence(c.EvidenceDir, c.PackerBuildName, os.Getenv("PACKER_RUN_UUID"), c.allowMiss)
	if err != nil {
		return nil, err
	}
	for _, w := range ev.warnings {
		ui.Error("hardening-attest: WARNING: " + w)
	}

	cl := &clouds{p: p}
	for _, r := range refs {
		if r.Provider == imageref.AWS {
			cl.region = r.Location
			break
		}
	}
	defer cl.close()
	signer, err := p.signer(ctx, cl)
	if err != nil {
		return nil, err
	}
	pubPEM, err := attest.PublicKeyPEM(signer.Public())
	if err != nil {
		return nil, fmt.Errorf("encode public key: %w", err)
	}

	ui.Say(fmt.Sprintf("hardening-attest: resolving %d image(s): %s", len(refs), refList(refs)))
	images, err := resolve(ctx, cl, refs, ev, in)
	if err != nil {
		return nil, err
	}
	prov, err := p.provenance(ev, now())
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := signAll(images, ev, prov, signer, c.Parallelism); err != nil {
		return nil, err
	}
	nb := 0
	for _, im := range images {
		nb += len(im.bundles)
	}
	ui.Say(fmt.Sprintf("hardening-attest: signed and verified %d bundle(s) in %s", nb, time.Since(start).Round(time.Millisecond)))

	if err := writeLocal(c.OutputDirectory, c.PackerBuildName, images, ev, pubPEM); err != nil {
		return nil, err
	}
	if err := publishRemote(ctx, cl, c, images); err != nil {
		return nil, err
	}
	if c.tag {
		if err := tagPointers(ctx, cl, c, images, ev.cis); err != nil {
			return nil, err
		}
	}
	manifest, err := writeManifest(c.OutputDirectory, c.PackerBuildName, in.BuilderId(), images, ev)
	if err != nil {
		return nil, err
	}
	// Tags that claim compliance go last, once everything above succeeded.
	if c.tag && ev.cis != nil {
		if err := tagCompliance(ctx, cl, c, images, ev.cis); err != nil {
			// The manifest must not list a build whose attestation failed.
			if derr := dropFromManifest(c.OutputDirectory, c.PackerBuildName); derr != nil {
				return nil, fmt.Errorf("%w; and build %s could not be taken out of %s again: %v", err, c.PackerBuildName, manifest, derr)
			}
			return nil, err
		}
	}
	for _, im := range images {
		where := im.dir
		if len(im.remote) > 0 {
			where += ", " + strings.Join(im.remote, ", ")
		}
		ui.Say(fmt.Sprintf("hardening-attest: %s: %d signed statement(s) -> %s", im.ref, len(im.bundles), where))
	}
	if len(images) > 0 && len(images[0].bundles) > 0 {
		im := images[0]
		ui.Say(fmt.Sprintf("hardening-attest: verify with: %scosign verify-blob-attestation --key %s --insecure-ignore-tlog --bundle %s --type %s %s",
			cosignSizeEnv(im.subjectSize), im.pubPath, im.bundles[0].path, im.bundles[0].cosignType, im.subjectPath))
	}
	files := []string{manifest}
	for _, im := range images {
		files = append(files, im.files...)
	}
	sort.Strings(files)
	return &Artifact{in: in, manifest: manifest, files: files}, nil
}

// signer opens the configured key.
func (p *PostProcessor) signer(ctx context.Context, cl *clouds) (crypto.Signer, error) {
	c := &p.config
	switch {
	case strings.HasPrefix(c.KMSKey, "awskms://"):
		a, err := cl.aws(ctx)
		if err != nil {
			return nil, err
		}
		s, err := a.Signer(ctx, c.KMSKey)
		if err != nil {
			return nil, fmt.Errorf("kms_key %s: %w", c.KMSKey, err)
		}
		return s, nil
	case strings.HasPrefix(c.KMSKey, "gcpkms://"):
		g, err := cl.gce(ctx)
		if err != nil {
			return nil, err
		}
		s, err := g.Signer(ctx, c.KMSKey)
		if err != nil {
			return nil, fmt.Errorf("kms_key %s: %w", c.KMSKey, err)
		}
		return s, nil
	}
	pemBytes, err := readKeyFile(c.KeyFile)
	if err != nil {
		return nil, err
	}
	s, err := attest.ParsePrivateKey(pemBytes, func() ([]byte, error) {
		pw, ok := os.LookupEnv(c.KeyPasswordEnv)
		if !ok {
			return nil, fmt.Errorf("key_file %s is encrypted: set its password in the environment variable %s (key_password_env)", c.KeyFile, c.KeyPasswordEnv)
		}
		return []byte(pw), nil
	})
	if err != nil {
		return nil, fmt.Errorf("key_file %s: %w", c.KeyFile, err)
	}
	return s, nil
}

// maxKeyFile bounds what is read as a private key; PEM keys are a few
// hundred bytes.
const maxKeyFile = 64 << 10

// readKeyFile reads the signing key at build time, with an error that says
// what the file must be.
func readKeyFile(path string) ([]byte, error) {
	const want = "want a PEM private key or cosign key file (cosign generate-key-pair makes one)"
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("key_file %q cannot be read: %w; %s", path, err, want)
	}
	// Checked before the open, which would wait on a FIFO.
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("key_file %q is not a regular file; %s", path, want)
	}
	if st.Size() > maxKeyFile {
		return nil, fmt.Errorf("key_file %q is over %d KiB; %s", path, maxKeyFile>>10, want)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key_file %q: %w", path, err)
	}
	return b, nil
}

// cosignSizeEnv is the setting cosign needs to read a subject over its
// 128 MiB default limit, rounded up to whole MiB.
func cosignSizeEnv(size int64) string {
	const limit = 128 << 20
	if size <= limit {
		return ""
	}
	return fmt.Sprintf("COSIGN_MAX_ATTACHMENT_SIZE=%dMiB ", (size+(1<<20)-1)>>20)
}

func refList(refs []imageref.Ref) string {
	s := make([]string, len(refs))
	for i, r := range refs {
		s[i] = r.String()
	}
	return strings.Join(s, ", ")
}
