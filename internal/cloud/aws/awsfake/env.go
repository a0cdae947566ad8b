package awsfake

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
)

// Env is a fake EC2, KMS, S3 and STS for one test.
type Env struct {
	EC2 *EC2
	KMS *KMS
	S3  *S3
	STS *STS
}

// isolated are the variables Start empties so that the SDK reads nothing
// of the machine's AWS setup: no shared config or credentials file, no
// profile, no IMDS, no endpoint or FIPS setting that would win over the
// fakes'.
var isolated = []string{
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL_STS",
	"AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
	"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
}

// Start starts the four fakes, stops them when t ends, and isolates the
// test from the machine's AWS configuration (see isolated). It sets
// environment variables, so a test that calls it cannot be parallel.
func Start(t testing.TB) *Env {
	t.Helper()
	for _, v := range isolated {
		t.Setenv(v, "")
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "no-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	e := &Env{EC2: NewEC2(), KMS: NewKMS(), S3: NewS3(), STS: NewSTS()}
	t.Cleanup(func() { e.EC2.Close(); e.KMS.Close(); e.S3.Close(); e.STS.Close() })
	return e
}

// Config points an aws.Client at the fakes with static fake credentials,
// in us-east-1, with short backoffs so throttling tests stay fast.
func (e *Env) Config() aws.Config {
	return aws.Config{
		Region:      "us-east-1",
		EC2Endpoint: e.EC2.URL(), KMSEndpoint: e.KMS.URL(), S3Endpoint: e.S3.URL(), STSEndpoint: e.STS.URL(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDFAKEFAKEFAKEFAKE", "fake-secret", ""),
		MaxBackoff:  20 * time.Millisecond,
	}
}
