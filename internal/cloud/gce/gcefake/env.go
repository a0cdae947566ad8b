package gcefake

import (
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce"
)

// Env is a fake Compute, Cloud KMS, Cloud Storage and IAM (OAuth tokens,
// impersonation) for one test.
type Env struct {
	Compute *Compute
	KMS     *KMS
	GCS     *GCS
	IAM     *IAM
}

// Start starts the fakes and stops them when t ends.
func Start(t testing.TB) *Env {
	t.Helper()
	g, err := NewGCS()
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{Compute: NewCompute(), KMS: NewKMS(), GCS: g, IAM: NewIAM()}
	t.Cleanup(func() { e.Compute.Close(); e.KMS.Close(); e.GCS.Close(); e.IAM.Close() })
	return e
}

// Config points a gce.Client at the fakes, without credentials, with
// backoffs short enough for tests.
func (e *Env) Config() gce.Config {
	return gce.Config{ComputeEndpoint: e.Compute.URL(), KMSEndpoint: e.KMS.URL(), StorageEndpoint: e.GCS.Endpoint(),
		IAMCredentialsEndpoint: e.IAM.URL(), WithoutAuthentication: true, MaxBackoff: 20 * time.Millisecond}
}
