package aws_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
)

func TestPutObject(t *testing.T) {
	env, c, _ := setup(t)
	if err := env.S3.CreateBucket("attestations"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tests := []struct {
		name, key, contentType string
		body                   []byte
	}{
		{"json", "aws/eu-west-1/ami-1/descriptor.json", "application/json", []byte(`{"a":1}`)},
		{"bundle", "aws/eu-west-1/ami-1/provenance.sigstore.json", "application/vnd.dev.sigstore.bundle.v0.3+json", []byte(`{"mediaType":"x"}`)},
		{"binary", "aws/eu-west-1/ami-1/blob", "application/octet-stream", []byte{0, 1, 2, 0xff}},
		{"empty", "aws/eu-west-1/ami-1/empty", "text/plain", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uri, err := c.PutObject(ctx, "attestations", tt.key, tt.body, tt.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if want := "s3://attestations/" + tt.key; uri != want {
				t.Errorf("uri %s, want %s", uri, want)
			}
			b, ct, err := env.S3.Object("attestations", tt.key)
			if err != nil || string(b) != string(tt.body) || ct != tt.contentType {
				t.Errorf("object %q %q %v, want %q %q", b, ct, err, tt.body, tt.contentType)
			}
			got, err := c.GetObject(ctx, "attestations", tt.key, 1<<20)
			if err != nil || string(got) != string(tt.body) {
				t.Errorf("GetObject %q %v", got, err)
			}
		})
	}
}

func TestPutObjectErrors(t *testing.T) {
	env, c, _ := setup(t)
	_, err := c.PutObject(context.Background(), "no-such-bucket", "k", []byte("x"), "text/plain")
	for _, want := range []string{"upload s3://no-such-bucket/k in us-east-1", "NoSuchBucket"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("upload to a missing bucket: error %v, want %q", err, want)
		}
	}
	cfg := env.Config()
	cfg.Region = ""
	_, err = newClient(t, cfg).PutObject(context.Background(), "attestations", "k", nil, "text/plain")
	if err == nil || !strings.Contains(err.Error(), "upload s3://attestations/k: no AWS region") {
		t.Errorf("upload without a region: %v", err)
	}
}

func TestGetObjectFollowsBucketRegion(t *testing.T) {
	env, c, _ := setup(t)
	ctx := context.Background()
	if err := env.S3.CreateBucket("attestations"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx, "attestations", "d.json", []byte(`{}`), "application/json"); err != nil {
		t.Fatal(err)
	}
	env.S3.SetBucketRegion("attestations", "us-east-1")
	cfg := env.Config()
	cfg.Region = "ap-southeast-2"
	far := newClient(t, cfg)
	if got, err := far.GetObject(ctx, "attestations", "d.json", 1<<20); err != nil || string(got) != `{}` {
		t.Errorf("read from another region: %q %v", got, err)
	}
	if _, err := far.GetObject(ctx, "attestations", "missing", 1<<20); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing object from another region: %v", err)
	}
	if _, err := c.GetObject(ctx, "attestations", "d.json", 1); err == nil || !strings.Contains(err.Error(), "larger than 1 bytes") {
		t.Errorf("object over the limit: %v", err)
	}
}
