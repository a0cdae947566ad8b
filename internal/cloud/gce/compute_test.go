package gce_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce/gcefake"
)

func TestImage(t *testing.T) {
	tests := []struct {
		name, ref string
	}{
		{"by name", imgName},
		{"by numeric id", imgID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, c := setup(t)
			img, err := c.Image(context.Background(), project, tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			d := debian()
			want := gce.Image{Project: project, Name: imgName, ID: imgID,
				SelfLink:          "https://www.googleapis.com/compute/v1/projects/acme-images/global/images/debian-12-hardened-v1",
				CreationTimestamp: d.CreationTimestamp, Status: "READY", Family: d.Family, Architecture: d.Architecture,
				SourceImage: d.SourceImage, SourceImageID: d.SourceImageID, SourceDisk: d.SourceDisk, SourceDiskID: d.SourceDiskID,
				StorageLocations: d.StorageLocations, Licenses: d.Licenses, DiskSizeGB: 10, ArchiveSizeBytes: d.ArchiveSizeBytes,
				Labels: d.Labels, LabelFingerprint: img.LabelFingerprint}
			if !reflect.DeepEqual(img, want) {
				t.Errorf("\ngot  %+v\nwant %+v", img, want)
			}
			if img.LabelFingerprint == "" {
				t.Error("no label fingerprint")
			}
			// The endpoint is the bare origin; the library adds /compute/v1/.
			calls := env.Compute.Calls()
			if len(calls) != 1 || calls[0].Method != "GET" || calls[0].Path != "/compute/v1/projects/acme-images/global/images/"+tt.ref {
				t.Errorf("calls %+v", calls)
			}
		})
	}
}

func TestImageErrors(t *testing.T) {
	tests := []struct {
		name      string
		project   string
		ref       string
		cfg       func(*gce.Config)
		prepare   func(*gcefake.Compute)
		want      []string
		wantCalls int
	}{
		{name: "image not found", project: project, ref: "missing",
			want: []string{"get image missing in project acme-images", "404", "was not found"}, wantCalls: 1},
		{name: "project not found", project: "other", ref: imgName,
			want: []string{"get image " + imgName + " in project other", "404"}, wantCalls: 1},
		{name: "forbidden is not retried", project: project, ref: imgName,
			prepare: func(f *gcefake.Compute) { f.Fail("get", http.StatusForbidden) },
			want:    []string{"get image " + imgName + " in project acme-images", "403"}, wantCalls: 1},
		{name: "server errors until MaxAttempts", project: project, ref: imgName,
			cfg:     func(c *gce.Config) { c.MaxAttempts = 3 },
			prepare: func(f *gcefake.Compute) { f.Fail("get", http.StatusServiceUnavailable) },
			want:    []string{"503", "gave up after 3 attempts"}, wantCalls: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := gcefake.Start(t)
			env.Compute.AddImage(project, debian())
			cfg := env.Config()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			if tt.prepare != nil {
				tt.prepare(env.Compute)
			}
			_, err := newClient(t, cfg).Image(context.Background(), tt.project, tt.ref)
			wantErr(t, err, tt.want...)
			if n := len(env.Compute.Calls()); n != tt.wantCalls {
				t.Errorf("%d calls, want %d", n, tt.wantCalls)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name   string
		code   int
		reason string
	}{
		{"429 rateLimitExceeded", http.StatusTooManyRequests, "rateLimitExceeded"},
		{"403 rateLimitExceeded", http.StatusForbidden, "rateLimitExceeded"},
		{"403 userRateLimitExceeded", http.StatusForbidden, "userRateLimitExceeded"},
		{"500 backendError", http.StatusInternalServerError, "backendError"},
		{"503 backendError", http.StatusServiceUnavailable, "backendError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, c := setup(t)
			env.Compute.FailNext("get", 2, tt.code, tt.reason)
			if _, err := c.Image(context.Background(), project, imgName); err != nil {
				t.Fatal(err)
			}
			got := ops(env.Compute.Calls())
			want := []string{"get " + strconv.Itoa(tt.code), "get " + strconv.Itoa(tt.code), "get 200"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("calls %v, want %v", got, want)
			}
		})
	}
}

func TestThrottlingIsRetried(t *testing.T) {
	env, c := setup(t)
	env.Compute.Throttle("get", 2)
	if _, err := c.Image(context.Background(), project, imgName); err != nil {
		t.Fatal(err)
	}
	if got, want := ops(env.Compute.Calls()), []string{"get 429", "get 429", "get 200"}; !reflect.DeepEqual(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
}

// cancelAfterResponse is a transport that cancels a context once the
// first response has been read, i.e. while the client backs off.
type cancelAfterResponse struct{ cancel context.CancelFunc }

func (rt cancelAfterResponse) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		resp.Body = cancelOnClose{ReadCloser: resp.Body, cancel: rt.cancel}
	}
	return resp, err
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b cancelOnClose) Close() error {
	defer b.cancel()
	return b.ReadCloser.Close()
}

func TestRetryStopsWithTheContext(t *testing.T) {
	env := gcefake.Start(t)
	env.Compute.AddImage(project, debian())
	env.Compute.Fail("get", http.StatusServiceUnavailable)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := env.Config()
	cfg.MaxBackoff = time.Minute
	cfg.HTTPClient = &http.Client{Transport: cancelAfterResponse{cancel: cancel}}
	start := time.Now()
	_, err := newClient(t, cfg).Image(ctx, project, imgName)
	wantErr(t, err, "get image "+imgName, "503", "retry stopped")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("%v is not a cancellation", err)
	}
	if n := len(env.Compute.Calls()); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %s after the context ended", d)
	}
}

func TestConcurrentUse(t *testing.T) {
	env, c := setup(t)
	env.Compute.Throttle("get", 3)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := c.Image(context.Background(), project, imgName)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := len(env.Compute.Calls()); n != 11 {
		t.Errorf("%d calls, want 8 + 3 throttled", n)
	}
}

func TestSetLabels(t *testing.T) {
	tests := []struct {
		name       string
		ref        string
		existing   map[string]string
		prepare    func(*gcefake.Compute)
		labels     map[string]string
		wantLabels map[string]string
		wantOps    []string
		wantErr    []string
	}{
		{name: "merges into existing labels", ref: imgName,
			labels:     map[string]string{"hardening-cis-passed": "true"},
			wantLabels: map[string]string{"team": "platform", "hardening-cis-passed": "true"},
			wantOps:    []string{"get 200", "setLabels 200", "operation 200"}},
		{name: "by numeric id", ref: imgID,
			labels:     map[string]string{"hardening-cis-passed": "true"},
			wantLabels: map[string]string{"team": "platform", "hardening-cis-passed": "true"},
			wantOps:    []string{"get 200", "setLabels 200", "operation 200"}},
		{name: "replaces a value", ref: imgName,
			labels:     map[string]string{"team": "security"},
			wantLabels: map[string]string{"team": "security"},
			wantOps:    []string{"get 200", "setLabels 200", "operation 200"}},
		{name: "a 412 is read again and merged", ref: imgName,
			prepare:    func(f *gcefake.Compute) { f.Conflict(1) },
			labels:     map[string]string{"hardening-cis-passed": "true"},
			wantLabels: map[string]string{"team": "platform", "concurrent-1": "true", "hardening-cis-passed": "true"},
			wantOps:    []string{"get 200", "setLabels 412", "get 200", "setLabels 200", "operation 200"}},
		{name: "throttled while writing and polling", ref: imgName,
			prepare:    func(f *gcefake.Compute) { f.Throttle("setLabels", 1); f.Throttle("operation", 1) },
			labels:     map[string]string{"hardening-cis-passed": "true"},
			wantLabels: map[string]string{"team": "platform", "hardening-cis-passed": "true"},
			wantOps:    []string{"get 200", "setLabels 429", "setLabels 200", "operation 429", "operation 200"}},
		{name: "nothing to change writes nothing", ref: imgName,
			labels:     map[string]string{"team": "platform"},
			wantLabels: map[string]string{"team": "platform"},
			wantOps:    []string{"get 200"}},
		{name: "invalid labels make no call", ref: imgName,
			labels:     map[string]string{"Team": "x"},
			wantLabels: map[string]string{"team": "platform"},
			wantOps:    []string{},
			wantErr:    []string{"label image " + imgName + " in project acme-images", `label key "Team"`}},
		{name: "too many labels after merging", ref: imgName, existing: numbered(63),
			labels:     map[string]string{"a": "1", "b": "2"},
			wantLabels: numbered(63),
			wantOps:    []string{"get 200"},
			wantErr:    []string{"label image " + imgName, "would have 65 labels (63 existing, 2 new)"}},
		{name: "conflicts that keep coming", ref: imgName,
			prepare:    func(f *gcefake.Compute) { f.Conflict(5) },
			labels:     map[string]string{"hardening-cis-passed": "true"},
			wantLabels: map[string]string{"team": "platform", "concurrent-1": "true", "concurrent-2": "true", "concurrent-3": "true"},
			wantOps:    []string{"get 200", "setLabels 412", "get 200", "setLabels 412", "get 200", "setLabels 412"},
			wantErr:    []string{"label image " + imgName + " in project acme-images", "Error 412", "resource labels have changed"}},
		{name: "missing image", ref: "missing",
			labels:  map[string]string{"a": "1"},
			wantOps: []string{"get 404"},
			wantErr: []string{"get image missing in project acme-images", "404"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := gcefake.Start(t)
			img := debian()
			if tt.existing != nil {
				img.Labels = tt.existing
			}
			env.Compute.AddImage(project, img)
			c := newClient(t, env.Config())
			before, err := c.Image(context.Background(), project, imgName)
			if err != nil {
				t.Fatal(err)
			}
			if tt.prepare != nil {
				tt.prepare(env.Compute)
			}
			n := len(env.Compute.Calls())

			err = c.SetLabels(context.Background(), project, tt.ref, tt.labels)
			wantErr(t, err, tt.wantErr...)
			calls := env.Compute.Calls()[n:]
			if got := ops(calls); !reflect.DeepEqual(got, tt.wantOps) {
				t.Errorf("calls %v, want %v", got, tt.wantOps)
			}
			if got := env.Compute.Labels(project, imgName); tt.wantLabels != nil && !reflect.DeepEqual(got, tt.wantLabels) {
				t.Errorf("labels %v, want %v", got, tt.wantLabels)
			}
			// The first write sends the fingerprint read, and writes by name.
			for _, call := range calls {
				if call.Op == "setLabels" {
					if call.LabelFingerprint != before.LabelFingerprint || call.Image != imgName {
						t.Errorf("setLabels on %s with fingerprint %q, want %s and %q", call.Image, call.LabelFingerprint, imgName, before.LabelFingerprint)
					}
					break
				}
			}
		})
	}
}

func TestRemoveLabels(t *testing.T) {
	tests := []struct {
		name       string
		keys       []string
		wantLabels map[string]string
		wantOps    []string
	}{
		{"removes", []string{"team", "absent"}, map[string]string{}, []string{"get 200", "setLabels 200", "operation 200"}},
		{"absent keys write nothing", []string{"absent"}, map[string]string{"team": "platform"}, []string{"get 200"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, c := setup(t)
			if err := c.RemoveLabels(context.Background(), project, imgName, tt.keys); err != nil {
				t.Fatal(err)
			}
			if got := ops(env.Compute.Calls()); !reflect.DeepEqual(got, tt.wantOps) {
				t.Errorf("calls %v, want %v", got, tt.wantOps)
			}
			if got := env.Compute.Labels(project, imgName); !reflect.DeepEqual(got, tt.wantLabels) {
				t.Errorf("labels %v, want %v", got, tt.wantLabels)
			}
		})
	}
}

func TestDeleteImage(t *testing.T) {
	env, c := setup(t)
	ctx := context.Background()
	if err := c.DeleteImage(ctx, project, imgName); err != nil {
		t.Fatal(err)
	}
	_, err := c.Image(ctx, project, imgName)
	wantErr(t, err, "404")
	wantErr(t, c.DeleteImage(ctx, project, imgName), "delete image "+imgName+" in project acme-images", "404")
	want := []string{"delete 200", "operation 200", "get 404", "delete 404"}
	if got := ops(env.Compute.Calls()); !reflect.DeepEqual(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
}

func TestDescriptor(t *testing.T) {
	_, c := setup(t)
	img, err := c.Image(context.Background(), project, imgID)
	if err != nil {
		t.Fatal(err)
	}
	d := img.Descriptor("sha256:abc")
	if d.Provider != "gce" || d.FSManifestDigest != "sha256:abc" || d.GCE.ID != imgID || d.GCE.Name != imgName ||
		d.GCE.SelfLink != img.SelfLink || d.GCE.SourceDiskID != "5678" || !reflect.DeepEqual(d.GCE.StorageLocations, []string{"eu"}) {
		t.Errorf("descriptor %+v", d.GCE)
	}
}
