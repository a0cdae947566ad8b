package attest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce"
)

// clouds opens each cloud's client on first use, so a local build needs no
// credentials at all.
type clouds struct {
	p *PostProcessor
	// region is the default region for S3 and KMS: the first AMI's.
	region  string
	mu      sync.Mutex
	awsC    *aws.Client
	gceC    *gce.Client
	awsOpen error
	gceOpen error
}

// aws returns the AWS client.
func (cl *clouds) aws(ctx context.Context) (*aws.Client, error) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.awsC != nil || cl.awsOpen != nil {
		return cl.awsC, cl.awsOpen
	}
	c := &cl.p.config
	cfg := aws.Config{Profile: c.AWSProfile, Region: cl.region, AccessKey: c.AccessKey, SecretKey: c.SecretKey, SessionToken: c.Token,
		SharedCredentialsFile: c.SharedCredentialsFile}
	if r := c.AssumeRole; r != nil {
		cfg.AssumeRole = &aws.AssumeRole{RoleARN: r.RoleARN, SessionName: r.SessionName, ExternalID: r.ExternalID,
			Duration: time.Duration(r.DurationSeconds) * time.Second}
	}
	if c.S3Region != "" {
		cfg.Region = c.S3Region
	}
	if cl.p.awsConfig != nil {
		cl.p.awsConfig(&cfg)
	}
	cl.awsC, cl.awsOpen = aws.New(ctx, cfg)
	if cl.awsOpen != nil {
		cl.awsOpen = fmt.Errorf("open AWS clients: %w", cl.awsOpen)
	}
	return cl.awsC, cl.awsOpen
}

func (cl *clouds) gce(ctx context.Context) (*gce.Client, error) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.gceC != nil || cl.gceOpen != nil {
		return cl.gceC, cl.gceOpen
	}
	c := &cl.p.config
	cfg := gce.Config{CredentialsFile: c.CredentialsFile, CredentialsJSON: []byte(c.CredentialsJSON),
		ImpersonateServiceAccount: c.ImpersonateServiceAccount}
	if cl.p.gceConfig != nil {
		cl.p.gceConfig(&cfg)
	}
	cl.gceC, cl.gceOpen = gce.New(ctx, cfg)
	if cl.gceOpen != nil {
		cl.gceOpen = fmt.Errorf("open Google Cloud clients: %w", cl.gceOpen)
	}
	return cl.gceC, cl.gceOpen
}

func (cl *clouds) close() {
	if cl.gceC != nil {
		cl.gceC.Close()
	}
}
