package gcefake

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/fsouza/fake-gcs-server/fakestorage"
)

// GCS is fake-gcs-server, served over HTTP on 127.0.0.1 behind a thin
// wrapper that records calls and can add latency or throttle. The wrapper
// is why fake-gcs-server runs without a listener of its own: its handler
// is served by the wrapper's.
type GCS struct {
	srv  *fakestorage.Server
	http *httptest.Server

	mu       sync.Mutex
	calls    []Call
	throttle int
	// Latency is added to every request. Set it before the client runs.
	Latency time.Duration
}

// NewGCS starts a fake Cloud Storage endpoint; Close stops it.
func NewGCS() (*GCS, error) {
	f := &GCS{}
	f.http = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	url := "http://" + f.http.Listener.Addr().String()
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{NoListener: true, Scheme: "http", ExternalURL: url})
	if err != nil {
		f.http.Close()
		return nil, fmt.Errorf("start fake-gcs-server: %w", err)
	}
	f.srv = srv
	f.http.Start()
	return f, nil
}

// Endpoint is the endpoint to give the storage client: the JSON API base,
// ending in /storage/v1/ as the storage library expects.
func (f *GCS) Endpoint() string { return f.http.URL + "/storage/v1/" }

// Close stops the server.
func (f *GCS) Close() {
	f.http.Close()
	f.srv.Stop()
}

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

// PutObject stores an object, as another writer would.
func (f *GCS) PutObject(bucket, name string, body []byte, contentType string) {
	f.srv.CreateObject(fakestorage.Object{ObjectAttrs: fakestorage.ObjectAttrs{BucketName: bucket, Name: name, ContentType: contentType}, Content: body})
}

// Throttle makes the next n requests fail with 429 rateLimitExceeded.
func (f *GCS) Throttle(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.throttle = n
}

// Calls returns the calls served so far.
func (f *GCS) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...)
}

func (f *GCS) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	latency := f.Latency
	throttled := f.throttle > 0
	if throttled {
		f.throttle--
	}
	f.mu.Unlock()
	time.Sleep(latency)

	op := "metadata"
	switch {
	case strings.HasPrefix(r.URL.Path, "/upload/"):
		op = "upload"
	case r.URL.Query().Get("alt") == "media" || strings.HasPrefix(r.URL.Path, "/download/"):
		op = "download"
	}
	sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
	if throttled {
		computeError(sw, http.StatusTooManyRequests, "rateLimitExceeded", "The rate of change requests to the object exceeds the rate limit.")
	} else {
		f.srv.HTTPHandler().ServeHTTP(sw, r)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, Call{Method: r.Method, Path: r.URL.Path, Op: op, Code: sw.code})
}
