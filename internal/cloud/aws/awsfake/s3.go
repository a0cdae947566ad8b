package awsfake

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// S3 is gofakes3 with an in-memory backend behind a local endpoint.
type S3 struct {
	srv     *httptest.Server
	backend *s3mem.Backend
	// Latency is added to every request.
	Latency time.Duration
}

// NewS3 starts a fake S3 endpoint; Close stops it.
func NewS3() *S3 {
	f := &S3{backend: s3mem.New()}
	h := gofakes3.New(f.backend).Server()
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(f.Latency)
		h.ServeHTTP(w, r)
	}))
	return f
}

func (f *S3) URL() string { return f.srv.URL }
func (f *S3) Close()      { f.srv.Close() }

// CreateBucket creates a bucket.
func (f *S3) CreateBucket(name string) error { return f.backend.CreateBucket(name) }

// Object returns an object's bytes and content type.
func (f *S3) Object(bucket, key string) ([]byte, string, error) {
	obj, err := f.backend.GetObject(bucket, key, nil)
	if err != nil {
		return nil, "", fmt.Errorf("get s3://%s/%s: %w", bucket, key, err)
	}
	defer obj.Contents.Close()
	b, err := io.ReadAll(obj.Contents)
	return b, obj.Metadata["Content-Type"], err
}

// Keys lists the keys of a bucket.
func (f *S3) Keys(bucket string) ([]string, error) {
	list, err := f.backend.ListBucket(bucket, nil, gofakes3.ListBucketPage{})
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, c := range list.Contents {
		keys = append(keys, c.Key)
	}
	return keys, nil
}
