package gcefake_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce/gcefake"
)

// The client tests in package gce drive these fakes through the real
// libraries; these cover what the libraries do not ask for.

// do sends a request with no body and decodes the JSON answer.
func do(t *testing.T, method, url string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func TestComputeOperations(t *testing.T) {
	f := gcefake.NewCompute()
	defer f.Close()
	f.AddImage("p", gcefake.Image{Name: "img", ID: 42})
	base := f.URL() + "/compute/v1/projects/p/global/"
	code, op := do(t, http.MethodDelete, base+"images/img")
	if code != http.StatusOK || op["status"] != "RUNNING" || op["operationType"] != "delete" {
		t.Fatalf("delete: %d %v", code, op)
	}
	name := op["name"].(string)
	tests := []struct {
		name, method, path string
		wantCode           int
		wantStatus         string
	}{
		{"poll", http.MethodGet, "operations/" + name, http.StatusOK, "DONE"},
		{"wait", http.MethodPost, "operations/" + name + "/wait", http.StatusOK, "DONE"},
		{"unknown operation", http.MethodGet, "operations/operation-1", http.StatusNotFound, ""},
		{"unknown path", http.MethodGet, "images/img/getIamPolicy", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := do(t, tt.method, base+tt.path)
			if code != tt.wantCode {
				t.Fatalf("code %d, want %d: %v", code, tt.wantCode, body)
			}
			if tt.wantStatus != "" && body["status"] != tt.wantStatus {
				t.Errorf("status %v, want %s", body["status"], tt.wantStatus)
			}
			if tt.wantCode != http.StatusOK {
				e, _ := body["error"].(map[string]any)
				errs, _ := e["errors"].([]any)
				if e["code"] != float64(tt.wantCode) || len(errs) != 1 || errs[0].(map[string]any)["reason"] != "notFound" {
					t.Errorf("error shape %v", body)
				}
			}
		})
	}
}

func TestKMSEnumEncoding(t *testing.T) {
	f := gcefake.NewKMS()
	defer f.Close()
	key := "projects/p/locations/global/keyRings/r/cryptoKeys/k"
	f.AddKey(key)
	tests := []struct {
		name, query      string
		state, algorithm any
	}{
		{"names by default", "", "ENABLED", "EC_SIGN_P256_SHA256"},
		{"numbers when asked", "?%24alt=json%3Benum-encoding%3Dint", float64(1), float64(12)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := do(t, http.MethodGet, f.URL()+"/v1/"+key+"/cryptoKeyVersions"+tt.query)
			versions, _ := body["cryptoKeyVersions"].([]any)
			if code != http.StatusOK || len(versions) != 1 {
				t.Fatalf("%d %v", code, body)
			}
			v := versions[0].(map[string]any)
			if v["state"] != tt.state || v["algorithm"] != tt.algorithm || !strings.HasSuffix(v["name"].(string), "/cryptoKeyVersions/1") {
				t.Errorf("version %v", v)
			}
		})
	}
	code, body := do(t, http.MethodGet, f.URL()+"/v1/"+key+"/cryptoKeyVersions/2/publicKey")
	want := map[string]any{"error": map[string]any{"code": float64(404), "message": key + "/cryptoKeyVersions/2 not found.", "status": "NOT_FOUND"}}
	if code != http.StatusNotFound || !reflect.DeepEqual(body, want) {
		t.Errorf("missing version: %d %v", code, body)
	}
}
