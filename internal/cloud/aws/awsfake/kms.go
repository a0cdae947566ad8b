package awsfake

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// KMS is a fake AWS KMS endpoint (JSON 1.1 protocol): GetPublicKey, Sign
// and DescribeKey, backed by real keys. It listens on plain HTTP (URL) and
// on HTTPS (HTTPSHost), the latter for awskms://HOST:PORT/... URIs.
type KMS struct {
	srv, tls *httptest.Server

	mu      sync.Mutex
	keys    map[string]*kmsKey // key id -> key
	aliases map[string]string  // alias/NAME -> key id
	calls   []Call
	// Latency is added to every request.
	Latency time.Duration
	// Account and Region make the ARNs the fake reports. A key given by
	// ARN must be asked for in the ARN's region, as KMS keys are regional;
	// ids and aliases are found in any region.
	Account, Region string
}

type kmsKey struct {
	signer           crypto.Signer
	spec, usage      string
	signingAlgorithm string
}

// NewKMS starts a fake KMS endpoint; Close stops it.
func NewKMS() *KMS {
	f := &KMS{keys: map[string]*kmsKey{}, aliases: map[string]string{}, Account: "111122223333", Region: "us-east-1"}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	f.tls = httptest.NewTLSServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the plain HTTP endpoint, for Config.KMSEndpoint.
func (f *KMS) URL() string { return f.srv.URL }

// HTTPSHost is the HOST:PORT of the HTTPS endpoint, for
// awskms://HOST:PORT/KEY URIs; HTTPSClient trusts its certificate.
func (f *KMS) HTTPSHost() string {
	u, _ := url.Parse(f.tls.URL)
	return u.Host
}

// HTTPSClient is an HTTP client that trusts the HTTPS endpoint.
func (f *KMS) HTTPSClient() *http.Client { return f.tls.Client() }

// Close stops both endpoints.
func (f *KMS) Close() {
	f.srv.Close()
	f.tls.Close()
}

// AddKey creates an ECC_NIST_P256 SIGN_VERIFY key, reachable by its id, its
// ARN, and alias/NAME when alias is not empty.
func (f *KMS) AddKey(alias string) (keyID string, pub *ecdsa.PublicKey) {
	keyID, p := f.AddKeySpec(alias, "ECC_NIST_P256", "SIGN_VERIFY")
	return keyID, p.(*ecdsa.PublicKey)
}

// AddKeySpec creates a key of spec (ECC_NIST_P256, ECC_NIST_P384 or
// RSA_2048) for usage (SIGN_VERIFY, or anything else, which cannot sign),
// so tests can offer keys a signer must refuse.
func (f *KMS) AddKeySpec(alias, spec, usage string) (keyID string, pub crypto.PublicKey) {
	var (
		s   crypto.Signer
		alg string
		err error
	)
	switch spec {
	case "ECC_NIST_P256":
		s, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		alg = "ECDSA_SHA_256"
	case "ECC_NIST_P384":
		s, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		alg = "ECDSA_SHA_384"
	case "RSA_2048":
		s, err = rsa.GenerateKey(rand.Reader, 2048)
		alg = "RSASSA_PKCS1_V1_5_SHA_256"
	default:
		panic("awsfake: key spec " + spec + " is not supported")
	}
	if err != nil {
		panic(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	keyID = fmt.Sprintf("1234abcd-12ab-34cd-56ef-%012d", len(f.keys)+1)
	f.keys[keyID] = &kmsKey{signer: s, spec: spec, usage: usage, signingAlgorithm: alg}
	if alias != "" {
		f.aliases["alias/"+strings.TrimPrefix(alias, "alias/")] = keyID
	}
	return keyID, s.Public()
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

// resolve finds the key of a key id, alias/NAME or ARN asked for in region.
func (f *KMS) resolve(id, region string) (string, *kmsKey) {
	if strings.HasPrefix(id, "arn:") {
		parts := strings.SplitN(id, ":", 6)
		if len(parts) != 6 || parts[3] != region {
			return "", nil
		}
		id = parts[5]
		if k, ok := strings.CutPrefix(id, "key/"); ok {
			id = k
		}
	}
	if k, ok := f.aliases[id]; ok {
		id = k
	}
	return id, f.keys[id]
}

func (f *KMS) serve(w http.ResponseWriter, r *http.Request) {
	time.Sleep(f.Latency)
	region := regionOf(r)
	if region == "" {
		kmsError(w, http.StatusBadRequest, "MissingAuthenticationTokenException", "Missing Authentication Token")
		return
	}
	action := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
	var in struct {
		KeyID            string `json:"KeyId"`
		Message          []byte
		MessageType      string
		SigningAlgorithm string
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		kmsError(w, http.StatusBadRequest, "SerializationException", err.Error())
		return
	}
	f.mu.Lock()
	f.calls = append(f.calls, Call{Action: action, Region: region, Params: map[string]string{"KeyId": in.KeyID}, AccessKey: accessKeyOf(r)})
	id, key := f.resolve(in.KeyID, region)
	f.mu.Unlock()
	switch action {
	case "GetPublicKey", "Sign", "DescribeKey":
	default:
		kmsError(w, http.StatusBadRequest, "UnknownOperationException", "unknown operation "+action)
		return
	}
	if key == nil {
		kmsError(w, http.StatusBadRequest, "NotFoundException", fmt.Sprintf("Key '%s' does not exist", in.KeyID))
		return
	}
	arn := "arn:aws:kms:" + region + ":" + f.Account + ":key/" + id
	switch action {
	case "GetPublicKey":
		der, _ := x509.MarshalPKIXPublicKey(key.signer.Public())
		out := map[string]any{"KeyId": arn, "PublicKey": der, "KeySpec": key.spec, "CustomerMasterKeySpec": key.spec, "KeyUsage": key.usage}
		if key.usage == "SIGN_VERIFY" {
			out["SigningAlgorithms"] = []string{key.signingAlgorithm}
		}
		writeJSON(w, out)
	case "DescribeKey":
		md := map[string]any{"KeyId": id, "Arn": arn, "AWSAccountId": f.Account, "CreationDate": 1.7639e9, "Enabled": true,
			"KeyState": "Enabled", "KeyManager": "CUSTOMER", "Origin": "AWS_KMS", "KeySpec": key.spec, "CustomerMasterKeySpec": key.spec,
			"KeyUsage": key.usage, "MultiRegion": false}
		if key.usage == "SIGN_VERIFY" {
			md["SigningAlgorithms"] = []string{key.signingAlgorithm}
		}
		writeJSON(w, map[string]any{"KeyMetadata": md})
	case "Sign":
		if key.usage != "SIGN_VERIFY" {
			kmsError(w, http.StatusBadRequest, "InvalidKeyUsageException", fmt.Sprintf("%s key usage is %s which is not valid for Sign.", arn, key.usage))
			return
		}
		ec, ok := key.signer.(*ecdsa.PrivateKey)
		if !ok || in.MessageType != "DIGEST" || in.SigningAlgorithm != key.signingAlgorithm || len(in.Message) != ec.Curve.Params().BitSize/8 {
			kmsError(w, http.StatusBadRequest, "ValidationException", "the fake signs only a DIGEST of the key's size with an ECDSA key's own algorithm, "+key.signingAlgorithm)
			return
		}
		sig, err := ecdsa.SignASN1(rand.Reader, ec, in.Message)
		if err != nil {
			kmsError(w, http.StatusInternalServerError, "KMSInternalException", err.Error())
			return
		}
		writeJSON(w, map[string]any{"KeyId": arn, "Signature": sig, "SigningAlgorithm": key.signingAlgorithm})
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", requestID())
	json.NewEncoder(w).Encode(v)
}

// kmsError writes an error in the JSON 1.1 protocol's shape.
func kmsError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", requestID())
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
}
