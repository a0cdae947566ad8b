// Package verifycli is the `packer-plugin-hardening verify` command: it
// finds an image's attestations (from its tags or labels, a bucket, a local
// directory or an attest manifest), verifies them against a trusted key,
// the image's live facts and a policy, and reports the result.
package verifycli

import (
	"cmp"
	"context"
	"crypto"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce"
	"github.com/imagesmith/packer-plugin-hardening/internal/verify"
)

// Exit codes.
const (
	ExitVerified = 0
	ExitFailed   = 1
	ExitUsage    = 2
)

const usage = `Usage: packer-plugin-hardening verify --key KEY [options] IMAGE

Verifies the attestations hardening-attest published for IMAGE: every
signature against KEY, that each statement is about exactly this image, that
the image's descriptor matches what the cloud reports for it now, and the
policy. Exits 0 when everything holds, 1 with the reasons when not, 2 on a
usage or access error.

IMAGE is one of:
  ami-0123456789abcdef0 --region REGION   an AMI (attestations found from its
                                          hardening:attestations tag, or --location)
  NAME-OR-ID --project PROJECT            a GCE image (found from its labels, or --location)
  path/to/rootfs.tar --location DIR       a hardening-rootfs tarball (neither --region
                                          nor --project: the flags decide the kind)
or omit IMAGE and give --manifest FILE --build NAME --location-key KEY to take
the image from an attest manifest.json (its AMI, GCE image or, with IMAGE, tarball).

Each policy flag given requires the statement it reads: --max-age and
--allow-builder the provenance, --min-level, --max-failed and
--require-boot-proof the CIS results.

Options:
`

// Clouds opens the cloud clients; tests point them at local endpoints.
type Clouds struct {
	AWS func(ctx context.Context, region string) (*aws.Client, error)
	GCE func(ctx context.Context) (*gce.Client, error)
}

// DefaultClouds uses the standard credential chains.
var DefaultClouds = Clouds{
	AWS: func(ctx context.Context, region string) (*aws.Client, error) {
		return aws.New(ctx, aws.Config{Region: region})
	},
	GCE: func(ctx context.Context) (*gce.Client, error) { return gce.New(ctx, gce.Config{}) },
}

type options struct {
	key, region, project, location, manifest, build, locationKey, html string
	require                                                            string
	cyclonedxOut, spdxOut                                              string
	minLevel, maxFailed                                                int
	maxAge                                                             time.Duration
	allowBuilders                                                      multi
	json, terraform, requireBootProof                                  bool
	set                                                                []string // flags given
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// Main runs the command with args (after "verify") and returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, clouds Clouds) int {
	var o options
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(cleanLines{stderr})
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	fs.StringVar(&o.key, "key", "", "trusted public key: a PEM file, awskms://... or gcpkms://... (required)")
	fs.StringVar(&o.region, "region", "", "AWS region of the AMI")
	fs.StringVar(&o.project, "project", "", "GCE project of the image")
	fs.StringVar(&o.location, "location", "", "where the attestations are: a local directory, s3://BUCKET/PREFIX/ or gs://BUCKET/PREFIX/ (default: from the image's tags or labels)")
	fs.StringVar(&o.manifest, "manifest", "", "an attest manifest.json to take the image from, with --build and --location-key")
	fs.StringVar(&o.build, "build", "", "build name in --manifest")
	fs.StringVar(&o.locationKey, "location-key", "", "AWS region, GCE project or \"local\" in --manifest")
	fs.StringVar(&o.require, "require", "provenance,sbom,cis", "statements that must be present: provenance, sbom (CycloneDX or SPDX), cyclonedx, spdx, cis")
	fs.IntVar(&o.minLevel, "min-level", 1, "lowest CIS profile level accepted (1 or 2); Level 2 failures count under 2")
	fs.IntVar(&o.maxFailed, "max-failed", 0, "unwaived controls of the accepted levels allowed to fail or error")
	fs.BoolVar(&o.requireBootProof, "require-boot-proof", false, "the CIS results must prove the hardening at boot: rebooted after hardening, and every passing control still passes on the running system")
	fs.DurationVar(&o.maxAge, "max-age", 0, "oldest build accepted, such as 720h (default: any age)")
	fs.Var(&o.allowBuilders, "allow-builder", "accepted SLSA builder id (repeatable; default: any)")
	fs.BoolVar(&o.json, "json", false, "print the report as JSON")
	fs.BoolVar(&o.terraform, "terraform", false, "print {\"image_id\", \"verified\", \"subject_sha256\"} for Terraform's external data source")
	fs.StringVar(&o.html, "html", "", "also write an HTML report, rendered from verified data only, to this file")
	fs.StringVar(&o.cyclonedxOut, "cyclonedx-out", "", "write the verified CycloneDX SBOM to this file for a scanner (grype, trivy), only when everything verified; requires the cyclonedx statement")
	fs.StringVar(&o.spdxOut, "spdx-out", "", "write the verified SPDX SBOM to this file, only when everything verified; requires the spdx statement")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	fs.Visit(func(f *flag.Flag) { o.set = append(o.set, f.Name) })
	image := fs.Arg(0)
	if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "verify: one IMAGE at most, got %s\n", clean(fmt.Sprintf("%q", fs.Args())))
		return ExitUsage
	}
	rep, trust, err := run(ctx, o, image, clouds)
	if err != nil {
		fmt.Fprintf(stderr, "verify: %s\n", clean(err.Error()))
		return ExitUsage
	}
	if o.html != "" {
		if err := writeHTML(o.html, rep, trust); err != nil {
			fmt.Fprintf(stderr, "verify: %s\n", clean(err.Error()))
			return ExitUsage
		}
	}
	if err := writeSBOMs(o, rep, stderr); err != nil {
		fmt.Fprintf(stderr, "verify: %s\n", clean(err.Error()))
		return ExitUsage
	}
	switch {
	case o.terraform:
		if rep.OK {
			// Every field comes from verified data.
			writeJSON(stdout, map[string]string{"image_id": rep.ImageID, "verified": "true", "subject_sha256": rep.SubjectSHA256}, false)
		}
	case o.json:
		writeJSON(stdout, rep, true)
	default:
		summary(stdout, rep)
	}
	if !rep.OK {
		for _, p := range rep.Problems {
			fmt.Fprintf(stderr, "verify: FAILED %s: %s\n", clean(p.Check), clean(p.Reason))
		}
		return ExitFailed
	}
	return ExitVerified
}

// usagef reports a mistake in the arguments.
func usagef(format string, a ...any) error { return fmt.Errorf(format, a...) }

// trusted is what a report says it checked against: the key and the policy.
type trusted struct {
	Key            string
	KeyFingerprint string
	Policy         []string
}

// run finds the image and its attestations and verifies them.
func run(ctx context.Context, o options, image string, clouds Clouds) (*verify.Report, *trusted, error) {
	rep, pub, pol, err := verifyImage(ctx, o, image, clouds)
	if err != nil {
		return nil, nil, err
	}
	fp, err := keyFingerprint(pub)
	if err != nil {
		return nil, nil, err
	}
	return rep, &trusted{Key: o.key, KeyFingerprint: fp, Policy: pol.Describe()}, nil
}

// verifyImage verifies the image's attestations and returns the report, the
// trusted key and the policy applied.
func verifyImage(ctx context.Context, o options, image string, clouds Clouds) (*verify.Report, crypto.PublicKey, *verify.Policy, error) {
	if o.key == "" {
		return nil, nil, nil, usagef("--key is required: the public key you trust, as a PEM file or a KMS URI")
	}
	if o.cyclonedxOut != "" && o.cyclonedxOut == o.spdxOut {
		return nil, nil, nil, usagef("--cyclonedx-out and --spdx-out are both %q: give two files", o.cyclonedxOut)
	}
	pol, err := policy(o)
	if err != nil {
		return nil, nil, nil, err
	}
	t, err := resolve(o, image)
	if err != nil {
		return nil, nil, nil, err
	}
	pub, err := publicKey(ctx, o.key, t, clouds)
	if err != nil {
		return nil, nil, nil, err
	}
	src, subj, err := t.open(ctx, o, clouds)
	if err != nil {
		return nil, nil, nil, err
	}
	if c, ok := src.(io.Closer); ok {
		defer c.Close()
	}
	rep, err := verify.Verify(ctx, src, pub, subj, pol)
	return rep, pub, pol, err
}

// policy builds the policy from the flags. A check whose flag was given
// requires its statement; the CIS defaults apply whenever CIS verifies.
func policy(o options) (*verify.Policy, error) {
	var names []string
	for _, r := range strings.Split(o.require, ",") {
		if r = strings.TrimSpace(r); r != "" {
			names = append(names, r)
		}
	}
	if len(names) == 0 {
		return nil, usagef("--require %q names no statement; accepted: %s", o.require, strings.Join(verify.StatementNames, ", "))
	}
	for _, r := range names {
		if !slices.Contains(verify.StatementNames, r) {
			return nil, usagef("--require %q: accepted are %s", r, strings.Join(verify.StatementNames, ", "))
		}
	}
	// Writing an SBOM out requires its statement.
	names = append(names, sbomOutRequires(o)...)
	opts := []verify.PolicyOption{verify.WithRequire(names...)}
	for _, f := range o.set {
		switch f {
		case "min-level":
			opts = append(opts, verify.WithMinLevel(o.minLevel))
		case "max-failed":
			opts = append(opts, verify.WithMaxFailed(o.maxFailed))
		case "max-age":
			opts = append(opts, verify.WithMaxAge(o.maxAge))
		case "require-boot-proof":
			if o.requireBootProof {
				opts = append(opts, verify.WithRequireBootProof())
			}
		case "allow-builder":
			opts = append(opts, verify.WithAllowedBuilders(o.allowBuilders...))
		}
	}
	pol, err := verify.NewPolicy(opts...)
	if err != nil {
		return nil, usagef("%w", err)
	}
	return pol, nil
}

// publicKey loads the trusted key from a PEM file or a KMS.
func publicKey(ctx context.Context, key string, t *target, clouds Clouds) (crypto.PublicKey, error) {
	switch {
	case strings.HasPrefix(key, "awskms://"):
		// A key ARN names its region. An alias or key id is looked up in
		// AWS_REGION when set, else in the image's region: keys usually live
		// where the build ran, not in every region an AMI was copied to.
		region := t.region
		if r := cmp.Or(os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION")); r != "" {
			region = r
		}
		c, err := clouds.AWS(ctx, region)
		if err != nil {
			return nil, err
		}
		s, err := c.Signer(ctx, key)
		if err != nil {
			return nil, fmt.Errorf("--key: %w", err)
		}
		return s.Public(), nil
	case strings.HasPrefix(key, "gcpkms://"):
		c, err := clouds.GCE(ctx)
		if err != nil {
			return nil, err
		}
		s, err := c.Signer(ctx, key)
		if err != nil {
			return nil, fmt.Errorf("--key: %w", err)
		}
		return s.Public(), nil
	}
	b, err := verify.ReadRegular(key)
	if err != nil {
		return nil, fmt.Errorf("--key: %w", err)
	}
	pub, err := attest.ParsePublicKey(b)
	if err != nil {
		return nil, fmt.Errorf("--key %s: %w", key, err)
	}
	return pub, nil
}
