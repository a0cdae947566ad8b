package gcefake

import (
	"fmt"

	"github.com/fsouza/fake-gcs-server/fakestorage"
)

// GCS is fake-gcs-server listening on 127.0.0.1.
type GCS struct {
	srv *fakestorage.Server
}

// NewGCS starts a fake Cloud Storage endpoint; Close stops it.
func NewGCS() (*GCS, error) {
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{Scheme: "http", Host: "127.0.0.1"})
	if err != nil {
		return nil, fmt.Errorf("start fake-gcs-server: %w", err)
	}
	return &GCS{srv: srv}, nil
}

// Endpoint is the JSON API endpoint to give the storage client.
func (f *GCS) Endpoint() string { return f.srv.URL() + "/storage/v1/" }
func (f *GCS) Close()           { f.srv.Stop() }

// CreateBucket creates a bucket.
func (f *GCS) CreateBucket(name string) {
	f.srv.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: name})
}

// Object returns an object's bytes and content type.
func (f *GCS) Object(bucket, name string) ([]byte, string, error) {
	obj, err := f.srv.GetObject(bucket, name)
	if err != nil {
		return nil, "", fmt.Errorf("get gs://%s/%s: %w", bucket, name, err)
	}
	return obj.Content, obj.ContentType, nil
}
