package gcefake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Image is a GCE image as the fake holds it.
type Image struct {
	Name                                    string
	ID                                      uint64
	CreationTimestamp, Family, Architecture string
	SourceImage, SourceImageID              string
	StorageLocations                        []string
	Labels                                  map[string]string
	fingerprint                             int
}

// Call is one request a fake served: "get", "setLabels", "operation".
type Call struct {
	Op, Project, Image string
}

// Compute is a fake Compute Engine v1 endpoint for images.
type Compute struct {
	srv *httptest.Server

	mu       sync.Mutex
	images   map[string][]*Image // project -> images
	calls    []Call
	throttle map[string]int
	fail     map[string]int
	conflict int
	// Latency is added to every request.
	Latency time.Duration
}

// NewCompute starts a fake Compute endpoint; Close stops it.
func NewCompute() *Compute {
	f := &Compute{images: map[string][]*Image{}, throttle: map[string]int{}, fail: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

func (f *Compute) URL() string { return f.srv.URL }
func (f *Compute) Close()      { f.srv.Close() }

// AddImage adds img to project.
func (f *Compute) AddImage(project string, img Image) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if img.Labels == nil {
		img.Labels = map[string]string{}
	}
	f.images[project] = append(f.images[project], &img)
}

// Labels returns an image's current labels.
func (f *Compute) Labels(project, name string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]string{}
	if img := f.find(project, name); img != nil {
		for k, v := range img.Labels {
			out[k] = v
		}
	}
	return out
}

// Throttle makes the next n calls of op fail with 429 rateLimitExceeded.
func (f *Compute) Throttle(op string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.throttle[op] = n
}

// Fail makes every call of op fail with HTTP code.
func (f *Compute) Fail(op string, code int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[op] = code
}

// Conflict makes the next n setLabels calls fail as if another writer had
// changed the labels (412 conditionNotMet).
func (f *Compute) Conflict(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.conflict = n
}

// Calls returns the calls served so far.
func (f *Compute) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...)
}

func (f *Compute) find(project, image string) *Image {
	for _, img := range f.images[project] {
		if img.Name == image || strconv.FormatUint(img.ID, 10) == image {
			return img
		}
	}
	return nil
}

func (f *Compute) serve(w http.ResponseWriter, r *http.Request) {
	time.Sleep(f.Latency)
	// /compute/v1/projects/P/global/images/I[/setLabels] or .../global/operations/O
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/compute/v1/"), "/")
	if len(parts) < 5 || parts[0] != "projects" || parts[2] != "global" {
		googleError(w, http.StatusNotFound, "notFound", "unknown path "+r.URL.Path)
		return
	}
	project, kind, name := parts[1], parts[3], parts[4]
	op := "get"
	switch {
	case kind == "operations":
		op = "operation"
	case len(parts) == 6 && parts[5] == "setLabels" && r.Method == http.MethodPost:
		op = "setLabels"
	case len(parts) != 5 || r.Method != http.MethodGet:
		googleError(w, http.StatusNotFound, "notFound", "unknown path "+r.URL.Path)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, Call{Op: op, Project: project, Image: name})
	if code := f.fail[op]; code != 0 {
		googleError(w, code, "forbidden", "Required permission denied")
		return
	}
	if f.throttle[op] > 0 {
		f.throttle[op]--
		googleError(w, http.StatusTooManyRequests, "rateLimitExceeded", "Rate Limit Exceeded")
		return
	}
	if op == "operation" {
		writeJSON(w, operation(project, name))
		return
	}
	img := f.find(project, name)
	if img == nil {
		googleError(w, http.StatusNotFound, "notFound", fmt.Sprintf("The resource 'projects/%s/global/images/%s' was not found", project, name))
		return
	}
	if op == "get" {
		writeJSON(w, f.imageJSON(project, img))
		return
	}
	var req struct {
		Labels           map[string]string `json:"labels"`
		LabelFingerprint string            `json:"labelFingerprint"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		googleError(w, http.StatusBadRequest, "invalid", err.Error())
		return
	}
	if f.conflict > 0 {
		f.conflict--
		img.fingerprint++
	}
	if req.LabelFingerprint != fingerprint(img) {
		googleError(w, http.StatusPreconditionFailed, "conditionNotMet", "Labels fingerprint either invalid or resource labels have changed")
		return
	}
	img.Labels = req.Labels
	img.fingerprint++
	writeJSON(w, operation(project, fmt.Sprintf("operation-setlabels-%d", img.fingerprint)))
}

func fingerprint(img *Image) string { return fmt.Sprintf("fp-%d", img.fingerprint) }

func (f *Compute) imageJSON(project string, img *Image) map[string]any {
	return map[string]any{
		"kind": "compute#image", "id": strconv.FormatUint(img.ID, 10), "name": img.Name, "status": "READY",
		"selfLink":          f.srv.URL + "/compute/v1/projects/" + project + "/global/images/" + img.Name,
		"creationTimestamp": img.CreationTimestamp, "family": img.Family, "architecture": img.Architecture,
		"sourceImage": img.SourceImage, "sourceImageId": img.SourceImageID, "storageLocations": img.StorageLocations,
		"diskSizeGb": "10", "labels": img.Labels, "labelFingerprint": fingerprint(img),
	}
}

func operation(project, name string) map[string]any {
	return map[string]any{"kind": "compute#operation", "name": name, "status": "DONE", "progress": 100,
		"selfLink": "projects/" + project + "/global/operations/" + name}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	json.NewEncoder(w).Encode(v)
}

// googleError writes Google's JSON error shape.
func googleError(w http.ResponseWriter, code int, reason, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code": code, "message": msg, "errors": []map[string]string{{"reason": reason, "message": msg, "domain": "global"}}}})
}
