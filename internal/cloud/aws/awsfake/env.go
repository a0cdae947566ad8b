package awsfake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
)

// Env is a fake EC2, KMS and S3 for one test.
type Env struct {
	EC2 *EC2
	KMS *KMS
	S3  *S3
}

// Start starts the three fakes and stops them when t ends.
func Start(t testing.TB) *Env {
	t.Helper()
	e := &Env{EC2: NewEC2(), KMS: NewKMS(), S3: NewS3()}
	t.Cleanup(func() { e.EC2.Close(); e.KMS.Close(); e.S3.Close() })
	return e
}

// Config points an aws.Client at the fakes with static fake credentials,
// so nothing reads the machine's AWS configuration or asks IMDS.
func (e *Env) Config() aws.Config {
	return aws.Config{
		Region:      "us-east-1",
		EC2Endpoint: e.EC2.URL(), KMSEndpoint: e.KMS.URL(), S3Endpoint: e.S3.URL(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDFAKEFAKEFAKEFAKE", "fake-secret", ""),
		MaxBackoff:  20 * time.Millisecond,
	}
}
