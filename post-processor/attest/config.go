//go:generate packer-sdc mapstructure-to-hcl2 -type Config,AssumeRoleConfig
//go:generate packer-sdc struct-markdown

package attest

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/packer-plugin-sdk/common"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/template/config"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"
)

// Evidence kinds that allow_missing_evidence_unsafe accepts.
const (
	EvidenceCIS      = "cis"
	EvidenceFinalize = "finalize"
)

// Config is the configuration of the hardening-attest post-processor.
type Config struct {
	common.PackerConfig `mapstructure:",squash"`

	// Where the attestations are written on the machine running Packer:
	// `<output_directory>/<build name>/<region or project>/<image>/` per
	// image, and `<output_directory>/manifest.json` for Terraform. Defaults
	// to `attestations`. The name is the builders' (`output_directory`).
	OutputDirectory string `mapstructure:"output_directory" required:"false"`
	// Deprecated: the former name of `output_directory`, still accepted;
	// the build warns. Setting both is an error.
	OutputDir string `mapstructure:"output_dir" required:"false"`
	// Where the hardening and hardening-finalize provisioners wrote their
	// evidence. Defaults to `evidence`, their default.
	EvidenceDir string `mapstructure:"evidence_dir" required:"false"`
	// Evidence kinds that may be missing or stale (from another build or
	// run): `cis` (hardening) and `finalize` (SBOM and filesystem manifest).
	// Empty by default: missing evidence fails the build. A kind listed here
	// is left out of the attestations when it is not this run's; it is never
	// attested from another run.
	AllowMissingEvidenceUnsafe []string `mapstructure:"allow_missing_evidence_unsafe" required:"false"`

	// PEM private key file to sign with: PKCS#8 ECDSA P-256 (the default of
	// `cosign generate-key-pair`) or Ed25519, SEC1 EC, or cosign's encrypted
	// key. Exactly one of `key_file` and `kms_key` is required. The file is
	// read when the build signs, so `packer validate` does not need it.
	KeyFile string `mapstructure:"key_file" required:"false"`
	// Environment variable holding the password of an encrypted `key_file`.
	// Defaults to `COSIGN_PASSWORD`, as cosign does.
	KeyPasswordEnv string `mapstructure:"key_password_env" required:"false"`
	// KMS key to sign with, in cosign's syntax: `awskms:///alias/NAME`,
	// `awskms:///arn:aws:kms:REGION:ACCOUNT:key/ID`, or
	// `gcpkms://projects/P/locations/L/keyRings/R/cryptoKeys/K[/cryptoKeyVersions/N]`.
	// The key must be an ECDSA P-256 signing key.
	KMSKey string `mapstructure:"kms_key" required:"false"`

	// The SLSA builder.id: the build platform you trust. Defaults to the CI
	// system's (GitHub Actions, GitLab CI) when one is detected, else
	// `https://github.com/imagesmith/packer-plugin-hardening/builders/local`.
	BuilderID string `mapstructure:"builder_id" required:"false"`
	// The template file or directory, recorded with each file's sha256 in
	// the provenance. Defaults to the current directory; set it to
	// `path.root` when Packer runs from elsewhere.
	TemplatePath string `mapstructure:"template_path" required:"false"`
	// Values to record as the build's external parameters, usually
	// variables: `{ region = var.region }`. Packer does not pass variables to
	// post-processors, so only the entries listed here are recorded: list
	// only values that may be public. An entry is left out (and its name
	// listed in `sensitiveVariablesOmitted`) when it is named like a
	// sensitive variable, or when its value equals or contains the value of
	// a sensitive variable the plugin can see: one set as `PKR_VAR_<name>` in
	// the environment, or a JSON template's user variable. Packer gives
	// plugins the names of sensitive variables, not their values, so a
	// sensitive value passed with `-var` or a var file cannot be recognised
	// under another name.
	Variables map[string]string `mapstructure:"variables" required:"false"`

	// S3 bucket to publish to, under
	// `<s3_prefix>/aws|gce|rootfs/<region or project>/<image>/`. Optional.
	S3Bucket string `mapstructure:"s3_bucket" required:"false"`
	// Key prefix in `s3_bucket`. Defaults to `attestations`.
	S3Prefix string `mapstructure:"s3_prefix" required:"false"`
	// Region of `s3_bucket`. Defaults to the first AMI's region, else the
	// SDK's default region.
	S3Region string `mapstructure:"s3_region" required:"false"`
	// GCS bucket to publish to, under the same layout as S3. Optional.
	GCSBucket string `mapstructure:"gcs_bucket" required:"false"`
	// Object prefix in `gcs_bucket`: lowercase letters, digits, `-` and `/`,
	// so it fits in an image label. Defaults to `attestations`.
	GCSPrefix string `mapstructure:"gcs_prefix" required:"false"`
	// Tag each AMI in its region (and label each GCE image) with pointers to
	// its attestations and, last, its CIS profile and score. Defaults to
	// true. Tags and labels are pointers for discovery, never evidence.
	TagImages *bool `mapstructure:"tag_images" required:"false"`

	// AWS shared config profile; defaults to the standard credential chain.
	AWSProfile string `mapstructure:"aws_profile" required:"false"`
	// AWS access key id, as the amazon plugin's `access_key`; requires
	// `secret_key`. Without it the standard chain applies: the
	// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`
	// environment variables, the shared files (`aws_profile`), SSO, the
	// instance or container role.
	AccessKey string `mapstructure:"access_key" required:"false"`
	// AWS secret access key of `access_key`. Never printed or recorded.
	SecretKey string `mapstructure:"secret_key" required:"false"`
	// AWS session token of temporary `access_key` credentials.
	Token string `mapstructure:"token" required:"false"`
	// Shared credentials file to read `aws_profile` from, in place of
	// `~/.aws/credentials`.
	SharedCredentialsFile string `mapstructure:"shared_credentials_file" required:"false"`
	// An IAM role to assume, with the credentials above, for every AWS call
	// (KMS, S3, EC2), as the amazon plugin's `assume_role` block.
	AssumeRole *AssumeRoleConfig `mapstructure:"assume_role" required:"false"`

	// GCE project of the image when the artifact does not name it.
	GCEProject string `mapstructure:"gce_project" required:"false"`
	// Google Cloud JSON credentials file (service account key, gcloud's
	// authorized user, workload identity federation), as the
	// googlecompute plugin's `credentials_file`. Defaults to Application
	// Default Credentials (`GOOGLE_APPLICATION_CREDENTIALS`, gcloud,
	// the metadata server).
	CredentialsFile string `mapstructure:"credentials_file" required:"false"`
	// The content of such a file, as the googlecompute plugin's
	// `credentials_json`, for example from a sensitive variable. Never
	// printed or recorded. At most one of `credentials_file` and
	// `credentials_json`.
	CredentialsJSON string `mapstructure:"credentials_json" required:"false"`
	// Service account to impersonate for every Google Cloud call (Cloud
	// KMS, Cloud Storage, Compute), with tokens the IAM Credentials API
	// issues to the credentials above; they need
	// `roles/iam.serviceAccountTokenCreator` on it.
	ImpersonateServiceAccount string `mapstructure:"impersonate_service_account" required:"false"`
	// Cloud API calls (KMS signatures, uploads, tags) in flight at once.
	// Defaults to 16.
	Parallelism int `mapstructure:"parallelism" required:"false"`

	ctx       interpolate.Context
	allowMiss map[string]bool
	tag       bool
	// warnings are shown when the post-processor runs: Packer's
	// post-processor interface has no other channel for them.
	warnings []string
}

// AssumeRoleConfig is the IAM role hardening-attest assumes.
type AssumeRoleConfig struct {
	// ARN of the role, `arn:aws:iam::ACCOUNT:role/NAME`.
	RoleARN string `mapstructure:"role_arn" required:"true"`
	// Session name recorded in CloudTrail. Defaults to
	// `packer-hardening-attest`.
	SessionName string `mapstructure:"session_name" required:"false"`
	// The external id the role's trust policy requires, if any.
	ExternalID string `mapstructure:"external_id" required:"false"`
	// Session length in seconds, 900 to 43200. Defaults to STS's (3600).
	DurationSeconds int `mapstructure:"duration_seconds" required:"false"`
}

var (
	roleARN     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)
	sessionName = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	gcpAccount  = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z0-9.-]+\.iam\.gserviceaccount\.com$`)
	kmsURI      = regexp.MustCompile(`^(awskms://[^/]*/.+|gcpkms://projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+(/cryptoKeyVersions/[0-9]+)?)$`)
	s3Bucket    = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	gcsBucket   = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$`)
	gcsPrefix   = regexp.MustCompile(`^[a-z0-9-]+(/[a-z0-9-]+)*$`)
	s3Prefix    = regexp.MustCompile(`^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$`)
)

// Prepare decodes raws, applies defaults and reports every error at once.
// It makes no network call and reads no key.
func (c *Config) Prepare(raws ...interface{}) error {
	err := config.Decode(c, &config.DecodeOpts{
		PluginType:         "hardening-attest",
		Interpolate:        true,
		InterpolateContext: &c.ctx,
	}, raws...)
	if err != nil {
		return err
	}
	if c.EvidenceDir == "" {
		c.EvidenceDir = "evidence"
	}
	if c.KeyPasswordEnv == "" {
		c.KeyPasswordEnv = "COSIGN_PASSWORD"
	}
	if c.TemplatePath == "" {
		c.TemplatePath = "."
	}
	if c.S3Prefix == "" {
		c.S3Prefix = "attestations"
	}
	if c.GCSPrefix == "" {
		c.GCSPrefix = "attestations"
	}
	if c.Parallelism == 0 {
		c.Parallelism = 16
	}
	c.tag = c.TagImages == nil || *c.TagImages

	var errs *packersdk.MultiError
	add := func(format string, a ...any) { errs = packersdk.MultiErrorAppend(errs, fmt.Errorf(format, a...)) }

	c.warnings = nil
	switch {
	case c.OutputDir != "" && c.OutputDirectory != "" && c.OutputDir != c.OutputDirectory:
		add("output_dir %q and output_directory %q are both set; output_dir is the deprecated name of output_directory: keep only output_directory", c.OutputDir, c.OutputDirectory)
	case c.OutputDir != "":
		c.OutputDirectory = c.OutputDir
		c.warnings = append(c.warnings, "output_dir is deprecated: rename it to output_directory, as in the builders")
	}
	if c.OutputDirectory == "" {
		c.OutputDirectory = "attestations"
	}

	c.allowMiss = map[string]bool{}
	for i, k := range c.AllowMissingEvidenceUnsafe {
		if k != EvidenceCIS && k != EvidenceFinalize {
			add("allow_missing_evidence_unsafe[%d]: %q is not an evidence kind; use %q or %q", i, k, EvidenceCIS, EvidenceFinalize)
		}
		c.allowMiss[k] = true
	}
	switch {
	case c.KeyFile == "" && c.KMSKey == "":
		add("key_file or kms_key is required: the attestations must be signed")
	case c.KeyFile != "" && c.KMSKey != "":
		add("key_file %q and kms_key %q are both set; use exactly one", c.KeyFile, c.KMSKey)
	case c.KeyFile != "":
		// The file is read when the build signs, not here: `packer validate`
		// runs in CI jobs that have no signing key.
	case !kmsURI.MatchString(c.KMSKey):
		add("kms_key %q is not a KMS key URI; accepted: awskms:///KEY-ID, awskms:///alias/NAME, awskms:///arn:aws:kms:..., awskms://ENDPOINT/KEY, gcpkms://projects/P/locations/L/keyRings/R/cryptoKeys/K[/cryptoKeyVersions/N]", c.KMSKey)
	}
	if c.S3Bucket != "" && !s3Bucket.MatchString(c.S3Bucket) {
		add("s3_bucket %q is not a valid S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)", c.S3Bucket)
	}
	if c.S3Bucket != "" && !s3Prefix.MatchString(c.S3Prefix) {
		add("s3_prefix %q: use path segments of letters, digits and !_.*'()- separated by single slashes, without a leading or trailing slash", c.S3Prefix)
	}
	if c.GCSBucket != "" && !gcsBucket.MatchString(c.GCSBucket) {
		add("gcs_bucket %q is not a valid GCS bucket name (3-222 lowercase letters, digits, dots, hyphens and underscores)", c.GCSBucket)
	}
	if c.GCSBucket != "" && !gcsPrefix.MatchString(c.GCSPrefix) {
		add("gcs_prefix %q: use path segments of lowercase letters, digits and hyphens separated by single slashes (it must fit in an image label)", c.GCSPrefix)
	}
	if c.Parallelism < 1 || c.Parallelism > 64 {
		add("parallelism %d: use 1 to 64", c.Parallelism)
	}
	c.prepareCredentials(add)
	if c.BuilderID != "" && !strings.Contains(c.BuilderID, "://") {
		add("builder_id %q must be a URI, for example https://ci.example.com/runners/images", c.BuilderID)
	}
	if errs != nil && len(errs.Errors) > 0 {
		return errs
	}
	return nil
}

// prepareCredentials checks the cloud credential settings and keeps the
// secrets out of Packer's logs. Errors never include a secret's value.
func (c *Config) prepareCredentials(add func(string, ...any)) {
	packersdk.LogSecretFilter.Set(c.SecretKey, c.Token, c.CredentialsJSON)
	if (c.AccessKey == "") != (c.SecretKey == "") {
		add("access_key and secret_key go together: set both, or neither to use the standard AWS credential chain")
	}
	if c.Token != "" && c.AccessKey == "" {
		add("token is the session token of access_key: set access_key and secret_key too")
	}
	if r := c.AssumeRole; r != nil {
		if r.SessionName == "" {
			r.SessionName = "packer-hardening-attest"
		}
		if !roleARN.MatchString(r.RoleARN) {
			add("assume_role.role_arn %q is not an IAM role ARN; want arn:aws:iam::ACCOUNT:role/NAME", r.RoleARN)
		}
		if !sessionName.MatchString(r.SessionName) {
			add("assume_role.session_name %q: use 2 to 64 letters, digits and +=,.@_-", r.SessionName)
		}
		if r.DurationSeconds != 0 && (r.DurationSeconds < 900 || r.DurationSeconds > 43200) {
			add("assume_role.duration_seconds %d: use 900 to 43200", r.DurationSeconds)
		}
	}
	if c.CredentialsFile != "" && c.CredentialsJSON != "" {
		add("credentials_file %q and credentials_json are both set; use one", c.CredentialsFile)
	}
	if c.ImpersonateServiceAccount != "" && !gcpAccount.MatchString(c.ImpersonateServiceAccount) {
		add("impersonate_service_account %q is not a service account email (NAME@PROJECT.iam.gserviceaccount.com)", c.ImpersonateServiceAccount)
	}
}
