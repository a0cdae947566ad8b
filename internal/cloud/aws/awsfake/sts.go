package awsfake

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

// STS is a fake AWS STS endpoint (Query protocol) that answers AssumeRole
// for the roles added with AddRole, with fresh temporary credentials.
type STS struct {
	srv *httptest.Server

	mu    sync.Mutex
	roles map[string]string // role ARN -> external id ("" for none)
	calls []Call
	n     int
}

// NewSTS starts a fake STS endpoint; Close stops it.
func NewSTS() *STS {
	f := &STS{roles: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the endpoint, for Config.STSEndpoint.
func (f *STS) URL() string { return f.srv.URL }

// Close stops the endpoint.
func (f *STS) Close() { f.srv.Close() }

// AddRole lets callers assume arn, presenting externalID when it is not
// empty.
func (f *STS) AddRole(arn, externalID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.roles[arn] = externalID
}

// Calls returns the requests so far: Action AssumeRole, Params the form
// (RoleArn, RoleSessionName, ExternalId, DurationSeconds), AccessKey the
// caller's.
func (f *STS) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...)
}

// RoleAccessKey is the access key id of the n-th (from 1) credentials the
// fake issued.
func RoleAccessKey(n int) string { return fmt.Sprintf("ASIAFAKEROLE%08d", n) }

type stsCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type stsAssumeRoleResponse struct {
	XMLName     xml.Name       `xml:"https://sts.amazonaws.com/doc/2011-06-15/ AssumeRoleResponse"`
	Credentials stsCredentials `xml:"AssumeRoleResult>Credentials"`
	RoleARN     string         `xml:"AssumeRoleResult>AssumedRoleUser>Arn"`
	RoleID      string         `xml:"AssumeRoleResult>AssumedRoleUser>AssumedRoleId"`
	RequestID   string         `xml:"ResponseMetadata>RequestId"`
}

type stsErrorResponse struct {
	XMLName   xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ ErrorResponse"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

func (f *STS) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || regionOf(r) == "" {
		stsError(w, http.StatusBadRequest, "MissingAuthenticationToken", "Request is missing Authentication Token")
		return
	}
	params := map[string]string{}
	for k := range r.PostForm {
		params[k] = r.PostForm.Get(k)
	}
	f.mu.Lock()
	f.calls = append(f.calls, Call{Action: params["Action"], Region: regionOf(r), Params: params, AccessKey: accessKeyOf(r)})
	ext, ok := f.roles[params["RoleArn"]]
	f.mu.Unlock()
	switch {
	case params["Action"] != "AssumeRole":
		stsError(w, http.StatusBadRequest, "InvalidAction", "Could not find operation "+params["Action"])
		return
	case !ok || ext != params["ExternalId"]:
		stsError(w, http.StatusForbidden, "AccessDenied", "User is not authorized to perform: sts:AssumeRole on resource: "+params["RoleArn"])
		return
	}
	duration := 3600
	if d := params["DurationSeconds"]; d != "" {
		duration, _ = strconv.Atoi(d)
	}
	f.mu.Lock()
	f.n++
	n := f.n
	f.mu.Unlock()
	resp := stsAssumeRoleResponse{
		Credentials: stsCredentials{AccessKeyID: RoleAccessKey(n), SecretAccessKey: "fake-role-secret", SessionToken: fmt.Sprintf("fake-session-token-%d", n),
			Expiration: time.Now().UTC().Add(time.Duration(duration) * time.Second).Format(time.RFC3339)},
		RoleARN: params["RoleArn"] + "/" + params["RoleSessionName"], RoleID: "AROAFAKE:" + params["RoleSessionName"], RequestID: "fake",
	}
	w.Header().Set("Content-Type", "text/xml")
	_ = xml.NewEncoder(w).Encode(resp)
}

func stsError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_ = xml.NewEncoder(w).Encode(stsErrorResponse{Type: "Sender", Code: code, Message: msg, RequestID: "fake"})
}
