package awsfake

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// KMS is a fake AWS KMS endpoint (JSON 1.1): GetPublicKey and Sign, backed
// by real ECDSA P-256 keys.
type KMS struct {
	srv *httptest.Server

	mu      sync.Mutex
	keys    map[string]*ecdsa.PrivateKey // key id -> key
	aliases map[string]string            // alias/NAME -> key id
	calls   []Call
	// Latency is added to every request.
	Latency time.Duration
	// Account and Region make the ARNs the fake reports.
	Account, Region string
}

// NewKMS starts a fake KMS endpoint; Close stops it.
func NewKMS() *KMS {
	f := &KMS{keys: map[string]*ecdsa.PrivateKey{}, aliases: map[string]string{}, Account: "111122223333", Region: "us-east-1"}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

func (f *KMS) URL() string { return f.srv.URL }
func (f *KMS) Close()      { f.srv.Close() }

// AddKey creates a P-256 signing key, reachable by its id, its ARN and
// alias/NAME when alias is not empty.
func (f *KMS) AddKey(alias string) (keyID string, pub *ecdsa.PublicKey) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	keyID = fmt.Sprintf("1234abcd-12ab-34cd-56ef-%012d", len(f.keys)+1)
	f.keys[keyID] = k
	if alias != "" {
		f.aliases["alias/"+strings.TrimPrefix(alias, "alias/")] = keyID
	}
	return keyID, &k.PublicKey
}

// ARN is the ARN of keyID.
func (f *KMS) ARN(keyID string) string {
	return "arn:aws:kms:" + f.Region + ":" + f.Account + ":key/" + keyID
}

// Calls returns the calls served so far; Params holds KeyId.
func (f *KMS) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...)
}

func (f *KMS) resolve(id string) (string, *ecdsa.PrivateKey) {
	if i := strings.Index(id, ":key/"); strings.HasPrefix(id, "arn:") && i > 0 {
		id = id[i+len(":key/"):]
	}
	if i := strings.Index(id, ":alias/"); strings.HasPrefix(id, "arn:") && i > 0 {
		id = id[i+1:]
	}
	if k, ok := f.aliases[id]; ok {
		id = k
	}
	return id, f.keys[id]
}

func (f *KMS) serve(w http.ResponseWriter, r *http.Request) {
	time.Sleep(f.Latency)
	action := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
	var in struct {
		KeyID            string `json:"KeyId"`
		Message          []byte
		MessageType      string
		SigningAlgorithm string
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		kmsError(w, "SerializationException", err.Error())
		return
	}
	f.mu.Lock()
	f.calls = append(f.calls, Call{Action: action, Region: regionOf(r), Params: map[string]string{"KeyId": in.KeyID}})
	id, key := f.resolve(in.KeyID)
	f.mu.Unlock()
	if key == nil {
		kmsError(w, "NotFoundException", fmt.Sprintf("Key '%s' does not exist", in.KeyID))
		return
	}
	switch action {
	case "GetPublicKey":
		der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
		writeJSON(w, map[string]any{"KeyId": f.ARN(id), "PublicKey": der, "KeySpec": "ECC_NIST_P256",
			"KeyUsage": "SIGN_VERIFY", "SigningAlgorithms": []string{"ECDSA_SHA_256"}})
	case "Sign":
		if in.MessageType != "DIGEST" || in.SigningAlgorithm != "ECDSA_SHA_256" || len(in.Message) != 32 {
			kmsError(w, "ValidationException", "want a 32-byte DIGEST signed with ECDSA_SHA_256")
			return
		}
		sig, err := ecdsa.SignASN1(rand.Reader, key, in.Message)
		if err != nil {
			kmsError(w, "KMSInternalException", err.Error())
			return
		}
		writeJSON(w, map[string]any{"KeyId": f.ARN(id), "Signature": sig, "SigningAlgorithm": "ECDSA_SHA_256"})
	default:
		kmsError(w, "UnknownOperationException", "unknown operation "+action)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	json.NewEncoder(w).Encode(v)
}

func kmsError(w http.ResponseWriter, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
}
