package awsfake

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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

	mu      sync.Mutex
	regions map[string]string // bucket -> region; others answer any region
}

// NewS3 starts a fake S3 endpoint; Close stops it.
func NewS3() *S3 {
	f := &S3{backend: s3mem.New(), regions: map[string]string{}}
	h := gofakes3.New(f.backend).Server()
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(f.Latency)
		// Path-style: /bucket/key. A request signed for another region than
		// the bucket's gets S3's redirect, with the bucket's region.
		bucket, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		f.mu.Lock()
		want := f.regions[bucket]
		f.mu.Unlock()
		if want != "" && regionOf(r) != want {
			w.Header().Set("X-Amz-Bucket-Region", want)
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusMovedPermanently)
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message><BucketName>%s</BucketName></Error>`, bucket)
			return
		}
		h.ServeHTTP(w, r)
	}))
	return f
}

// URL is the endpoint, for Config.S3Endpoint (path-style).
func (f *S3) URL() string { return f.srv.URL }

// Close stops the endpoint.
func (f *S3) Close() { f.srv.Close() }

// SetBucketRegion makes the bucket live in region: requests signed for
// another region are redirected, as S3 does.
func (f *S3) SetBucketRegion(bucket, region string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.regions[bucket] = region
}

// CreateBucket creates a bucket.
func (f *S3) CreateBucket(name string) error { return f.backend.CreateBucket(name) }

// Object returns an object's bytes and content type, read from the
// backend, not through S3's API.
func (f *S3) Object(bucket, key string) ([]byte, string, error) {
	obj, err := f.backend.GetObject(bucket, key, nil)
	if err != nil {
		return nil, "", fmt.Errorf("get s3://%s/%s: %w", bucket, key, err)
	}
	defer obj.Contents.Close()
	b, err := io.ReadAll(obj.Contents)
	return b, obj.Metadata["Content-Type"], err
}

// Keys lists the keys of a bucket, from the backend.
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
