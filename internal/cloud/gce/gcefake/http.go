package gcefake

import (
	"encoding/json"
	"net/http"
	"sync"
)

// Call is one request a fake served.
type Call struct {
	// Method and Path are as received, e.g. "POST" and
	// "/compute/v1/projects/p/global/images/i/setLabels".
	Method, Path string
	// Op names the API method. Compute: "get", "setLabels", "delete",
	// "operation" (globalOperations.get), "wait". KMS: "listVersions",
	// "publicKey", "asymmetricSign". GCS: "upload", "download", "metadata".
	Op string
	// Project and Image are the path's project and image (Compute);
	// Image is the key version for KMS.
	Project, Image string
	// LabelFingerprint is the fingerprint a setLabels call sent.
	LabelFingerprint string
	// Code is the HTTP status the fake answered.
	Code int
	// Authorization is the request's Authorization header ("Bearer
	// TOKEN"; the fakes' tokens are not secrets).
	Authorization string
}

// serveRecorded answers r with handle under mu and records the call, with
// the request's Authorization and the status answered, in calls.
func serveRecorded(mu *sync.Mutex, calls *[]Call, w http.ResponseWriter, r *http.Request, handle func(http.ResponseWriter, *http.Request, *Call)) {
	sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
	call := Call{Method: r.Method, Path: r.URL.Path, Authorization: r.Header.Get("Authorization")}
	mu.Lock()
	defer mu.Unlock()
	handle(sw, r, &call)
	call.Code = sw.code
	*calls = append(*calls, call)
}

// failure is an injected error answer.
type failure struct {
	n      int // answers left; -1 for every call
	code   int
	reason string
}

// statusWriter remembers the status a handler wrote, for Call.Code.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	json.NewEncoder(w).Encode(v)
}

// computeError writes the error shape of Compute Engine and the other
// discovery-based JSON APIs (Cloud Storage too): code, message and
// errors[].reason.
func computeError(w http.ResponseWriter, code int, reason, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code": code, "message": msg, "errors": []map[string]string{{"message": msg, "domain": "global", "reason": reason}}}})
}

// kmsError writes the error shape of Cloud KMS and the other gRPC-based
// APIs served as JSON: code, message and the canonical status name.
func kmsError(w http.ResponseWriter, code int, status, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": msg, "status": status}})
}

// reasonFor is the errors[].reason Compute gives with an HTTP code.
func reasonFor(code int) string {
	switch code {
	case http.StatusBadRequest:
		return "invalid"
	case http.StatusUnauthorized:
		return "authError"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "notFound"
	case http.StatusPreconditionFailed:
		return "conditionNotMet"
	case http.StatusTooManyRequests:
		return "rateLimitExceeded"
	default:
		return "backendError"
	}
}
