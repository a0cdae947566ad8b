package gcefake

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// selfLinkBase is where Compute says its resources live, whatever endpoint
// was asked: selfLinks always name the public API.
const selfLinkBase = "https://www.googleapis.com/compute/v1/"

// Image is a GCE image as the fake holds it. Empty Status means READY and
// zero DiskSizeGB means 10, as a fresh image has.
type Image struct {
	Name string
	// ID is the numeric id Compute gives every image.
	ID                                                   uint64
	Status, CreationTimestamp, Family, Architecture      string
	SourceImage, SourceImageID, SourceDisk, SourceDiskID string
	StorageLocations, Licenses                           []string
	DiskSizeGB, ArchiveSizeBytes                         int64
	Labels                                               map[string]string

	// generation counts label changes; the fingerprint is derived from it.
	generation int
}

// operation is a global operation the fake started.
type operation struct {
	id                  uint64
	name, kind, target  string
	targetID            uint64
	insertTime, project string
}

// Compute is a fake Compute Engine v1 endpoint for global images and
// global operations.
type Compute struct {
	srv *httptest.Server

	mu       sync.Mutex
	images   map[string][]*Image   // project -> images
	ops      map[string]*operation // project/name -> operation
	nextOp   uint64
	calls    []Call
	next     map[string]failure // op -> the next answers
	always   map[string]failure // op -> every answer
	conflict int
	// Latency is added to every request. Set it before the client runs.
	Latency time.Duration
}

// NewCompute starts a fake Compute endpoint; Close stops it.
func NewCompute() *Compute {
	f := &Compute{images: map[string][]*Image{}, ops: map[string]*operation{},
		next: map[string]failure{}, always: map[string]failure{}, nextOp: 7000000000000000001}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the endpoint to give the compute client: the bare origin, since
// the client adds /compute/v1/ to every path itself.
func (f *Compute) URL() string { return f.srv.URL }
func (f *Compute) Close()      { f.srv.Close() }

// AddImage adds img to project.
func (f *Compute) AddImage(project string, img Image) {
	f.mu.Lock()
	defer f.mu.Unlock()
	img.Labels = maps.Clone(img.Labels)
	if img.Labels == nil {
		img.Labels = map[string]string{}
	}
	if img.Status == "" {
		img.Status = "READY"
	}
	if img.DiskSizeGB == 0 {
		img.DiskSizeGB = 10
	}
	f.images[project] = append(f.images[project], &img)
}

// Labels returns an image's current labels, nil if there is no such image.
func (f *Compute) Labels(project, image string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if img := f.find(project, image); img != nil {
		return maps.Clone(img.Labels)
	}
	return nil
}

// Throttle makes the next n calls of op fail with 429 rateLimitExceeded.
func (f *Compute) Throttle(op string, n int) {
	f.FailNext(op, n, http.StatusTooManyRequests, "rateLimitExceeded")
}

// FailNext makes the next n calls of op fail with HTTP code and
// errors[].reason, e.g. 403 userRateLimitExceeded or 503 backendError.
func (f *Compute) FailNext(op string, n, code int, reason string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next[op] = failure{n: n, code: code, reason: reason}
}

// Fail makes every call of op fail with HTTP code (0 stops it).
func (f *Compute) Fail(op string, code int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if code == 0 {
		delete(f.always, op)
		return
	}
	f.always[op] = failure{n: -1, code: code, reason: reasonFor(code)}
}

// Conflict makes the next n setLabels calls lose a race with another
// writer: just before each, that writer adds label concurrent-N=true, which
// changes the fingerprint, so the call is answered 412 conditionNotMet.
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
	f.mu.Lock()
	latency := f.Latency
	f.mu.Unlock()
	time.Sleep(latency)

	serveRecorded(&f.mu, &f.calls, w, r, f.handle)
}

// route names the API method of a request, or "" when the fake does not
// serve it. parts is the path after /compute/v1/:
// projects/P/global/{images,operations}/N with an optional /setLabels or
// /wait.
func route(method string, parts []string) string {
	switch {
	case len(parts) == 5 && parts[3] == "images" && method == http.MethodGet:
		return "get"
	case len(parts) == 5 && parts[3] == "images" && method == http.MethodDelete:
		return "delete"
	case len(parts) == 6 && parts[3] == "images" && parts[5] == "setLabels" && method == http.MethodPost:
		return "setLabels"
	case len(parts) == 5 && parts[3] == "operations" && method == http.MethodGet:
		return "operation"
	case len(parts) == 6 && parts[3] == "operations" && parts[5] == "wait" && method == http.MethodPost:
		return "wait"
	}
	return ""
}

func (f *Compute) handle(w http.ResponseWriter, r *http.Request, call *Call) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/compute/v1/")
	parts := strings.Split(rest, "/")
	if !ok || len(parts) < 5 || parts[0] != "projects" || parts[2] != "global" {
		computeError(w, http.StatusNotFound, "notFound", "unknown path "+r.URL.Path)
		return
	}
	call.Op = route(r.Method, parts)
	call.Project, call.Image = parts[1], parts[4]
	if call.Op == "" {
		computeError(w, http.StatusNotFound, "notFound", r.Method+" "+r.URL.Path+" is not served by the fake")
		return
	}
	var labels setLabelsRequest
	if call.Op == "setLabels" {
		// Read first, so that Calls shows what a failed call sent too.
		if err := json.NewDecoder(r.Body).Decode(&labels); err != nil {
			computeError(w, http.StatusBadRequest, "invalid", "Invalid JSON payload received. "+err.Error())
			return
		}
		call.LabelFingerprint = labels.LabelFingerprint
	}
	if f.injectedFailure(w, call.Op) {
		return
	}
	if call.Op == "operation" || call.Op == "wait" {
		f.serveOperation(w, call.Project, call.Image)
		return
	}
	img := f.find(call.Project, call.Image)
	if img == nil {
		computeError(w, http.StatusNotFound, "notFound",
			fmt.Sprintf("The resource 'projects/%s/global/images/%s' was not found", call.Project, call.Image))
		return
	}
	switch call.Op {
	case "get":
		writeJSON(w, imageJSON(call.Project, img))
	case "delete":
		f.images[call.Project] = slices.DeleteFunc(f.images[call.Project], func(i *Image) bool { return i == img })
		writeJSON(w, f.start(call.Project, "delete", img))
	case "setLabels":
		f.setLabels(w, call.Project, img, labels)
	}
}

// injectedFailure answers with the failure Fail or FailNext set for op,
// if any.
func (f *Compute) injectedFailure(w http.ResponseWriter, op string) bool {
	fl, ok := f.always[op]
	if !ok && f.next[op].n > 0 {
		fl, ok = f.next[op], true
		fl.n--
		f.next[op] = fl
	}
	if ok {
		computeError(w, fl.code, fl.reason, "injected failure of "+op)
	}
	return ok
}

// setLabelsRequest is the body of images.setLabels.
type setLabelsRequest struct {
	Labels           map[string]string `json:"labels"`
	LabelFingerprint string            `json:"labelFingerprint"`
}

func (f *Compute) setLabels(w http.ResponseWriter, project string, img *Image, req setLabelsRequest) {
	if f.conflict > 0 {
		f.conflict--
		img.Labels[fmt.Sprintf("concurrent-%d", img.generation+1)] = "true"
		img.generation++
	}
	if req.LabelFingerprint != fingerprint(img) {
		computeError(w, http.StatusPreconditionFailed, "conditionNotMet",
			"Labels fingerprint either invalid or resource labels have changed")
		return
	}
	img.Labels = maps.Clone(req.Labels)
	if img.Labels == nil {
		img.Labels = map[string]string{}
	}
	img.generation++
	writeJSON(w, f.start(project, "setLabels", img))
}

// start records a new operation on img and returns it RUNNING, as Compute
// does; the first poll finds it DONE.
func (f *Compute) start(project, kind string, img *Image) map[string]any {
	f.nextOp++
	op := &operation{id: f.nextOp, name: fmt.Sprintf("operation-%d-%s", f.nextOp, kind), kind: kind,
		target: selfLinkBase + "projects/" + project + "/global/images/" + img.Name, targetID: img.ID,
		insertTime: time.Now().Format(time.RFC3339Nano), project: project}
	f.ops[project+"/"+op.name] = op
	return op.json("RUNNING")
}

func (f *Compute) serveOperation(w http.ResponseWriter, project, name string) {
	op := f.ops[project+"/"+name]
	if op == nil {
		computeError(w, http.StatusNotFound, "notFound",
			fmt.Sprintf("The resource 'projects/%s/global/operations/%s' was not found", project, name))
		return
	}
	writeJSON(w, op.json("DONE"))
}

func (op *operation) json(status string) map[string]any {
	m := map[string]any{"kind": "compute#operation", "id": strconv.FormatUint(op.id, 10), "name": op.name,
		"operationType": op.kind, "targetLink": op.target, "targetId": strconv.FormatUint(op.targetID, 10),
		"status": status, "progress": 0, "insertTime": op.insertTime, "user": "builder@example.iam.gserviceaccount.com",
		"selfLink": selfLinkBase + "projects/" + op.project + "/global/operations/" + op.name}
	if status == "DONE" {
		m["progress"] = 100
		m["endTime"] = op.insertTime
	}
	return m
}

// fingerprint is the image's labelFingerprint: 8 bytes, base64, changing
// with every label change, like Compute's.
func fingerprint(img *Image) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d/%d", img.ID, img.generation)))
	return base64.StdEncoding.EncodeToString(sum[:8])
}

func imageJSON(project string, img *Image) map[string]any {
	return map[string]any{
		"kind": "compute#image", "id": strconv.FormatUint(img.ID, 10), "name": img.Name, "status": img.Status,
		"selfLink":          selfLinkBase + "projects/" + project + "/global/images/" + img.Name,
		"creationTimestamp": img.CreationTimestamp, "family": img.Family, "architecture": img.Architecture,
		"sourceType": "RAW", "sourceImage": img.SourceImage, "sourceImageId": img.SourceImageID,
		"sourceDisk": img.SourceDisk, "sourceDiskId": img.SourceDiskID,
		"storageLocations": img.StorageLocations, "licenses": img.Licenses,
		"diskSizeGb": strconv.FormatInt(img.DiskSizeGB, 10), "archiveSizeBytes": strconv.FormatInt(img.ArchiveSizeBytes, 10),
		"labels": img.Labels, "labelFingerprint": fingerprint(img),
	}
}
