package gce_test

import (
	"context"
	"errors"
	"io/fs"
	"reflect"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce/gcefake"
)

const bucket = "acme-attestations"

func TestUpload(t *testing.T) {
	tests := []struct {
		name        string
		bucket, obj string
		body        []byte
		contentType string
		prepare     func(*gcefake.GCS)
		wantUploads []string
		wantErr     []string
	}{
		{name: "json", bucket: bucket, obj: "gce/acme-images/img/descriptor.json", body: []byte(`{"a":1}`), contentType: "application/json",
			wantUploads: []string{"upload 200"}},
		{name: "sigstore bundle", bucket: bucket, obj: "gce/acme-images/img/provenance.sigstore.json", body: []byte(`{"b":2}`),
			contentType: "application/vnd.dev.sigstore.bundle.v0.3+json", wantUploads: []string{"upload 200"}},
		{name: "replaces an object", bucket: bucket, obj: "x.json", body: []byte("new"), contentType: "text/plain",
			prepare:     func(f *gcefake.GCS) { f.PutObject(bucket, "x.json", []byte("old"), "text/plain") },
			wantUploads: []string{"upload 200"}},
		{name: "throttled twice", bucket: bucket, obj: "y.json", body: []byte("{}"), contentType: "application/json",
			prepare:     func(f *gcefake.GCS) { f.Throttle(2) },
			wantUploads: []string{"upload 429", "upload 429", "upload 200"}},
		{name: "missing bucket", bucket: "nope", obj: "z.json", body: []byte("{}"), contentType: "application/json",
			wantUploads: []string{"upload 404"}, wantErr: []string{"upload gs://nope/z.json", "404"}},
		{name: "no object name", bucket: bucket, body: []byte("{}"),
			wantUploads: []string{}, wantErr: []string{"upload gs://acme-attestations/: want a bucket and an object name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, c := setup(t)
			env.GCS.CreateBucket(bucket)
			if tt.prepare != nil {
				tt.prepare(env.GCS)
			}
			uri, err := c.Upload(context.Background(), tt.bucket, tt.obj, tt.body, tt.contentType)
			wantErr(t, err, tt.wantErr...)
			if got := ops(env.GCS.Calls()); !reflect.DeepEqual(got, tt.wantUploads) {
				t.Errorf("calls %v, want %v", got, tt.wantUploads)
			}
			if err != nil {
				return
			}
			if want := "gs://" + tt.bucket + "/" + tt.obj; uri != want {
				t.Errorf("uri %s, want %s", uri, want)
			}
			b, ct, err := env.GCS.Object(tt.bucket, tt.obj)
			if err != nil || string(b) != string(tt.body) || ct != tt.contentType {
				t.Errorf("object %q %q %v, want %q %q", b, ct, err, tt.body, tt.contentType)
			}
		})
	}
}

func TestDownload(t *testing.T) {
	tests := []struct {
		name     string
		obj      string
		limit    int64
		prepare  func(*gcefake.GCS)
		want     string
		wantErr  []string
		notExist bool
	}{
		{name: "round trip", obj: "a.json", limit: 100, want: `{"a":1}`},
		{name: "exactly the limit", obj: "a.json", limit: 7, want: `{"a":1}`},
		{name: "throttled once", obj: "a.json", limit: 100, prepare: func(f *gcefake.GCS) { f.Throttle(1) }, want: `{"a":1}`},
		{name: "missing object", obj: "missing.json", limit: 100, wantErr: []string{"gs://acme-attestations/missing.json"}, notExist: true},
		{name: "larger than the limit", obj: "a.json", limit: 6, wantErr: []string{"gs://acme-attestations/a.json is larger than 6 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, c := setup(t)
			env.GCS.CreateBucket(bucket)
			env.GCS.PutObject(bucket, "a.json", []byte(`{"a":1}`), "application/json")
			if tt.prepare != nil {
				tt.prepare(env.GCS)
			}
			b, err := c.Download(context.Background(), bucket, tt.obj, tt.limit)
			wantErr(t, err, tt.wantErr...)
			if errors.Is(err, fs.ErrNotExist) != tt.notExist {
				t.Errorf("error %v: is fs.ErrNotExist %v, want %v", err, !tt.notExist, tt.notExist)
			}
			if string(b) != tt.want {
				t.Errorf("got %q, want %q", b, tt.want)
			}
		})
	}
}
