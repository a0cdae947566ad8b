package gcefake

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

var crc32c = crc32.MakeTable(crc32.Castagnoli)

// kmsEnums are the numbers of the enum values the fake reports, for
// clients that ask for $alt=json;enum-encoding=int as the Go REST client
// does (google.cloud.kms.v1 CryptoKeyVersionState, CryptoKeyVersionAlgorithm
// and ProtectionLevel).
var kmsEnums = map[string]int{
	"ENABLED": 1, "DISABLED": 2, "DESTROYED": 3,
	"RSA_SIGN_PKCS1_2048_SHA256": 5, "EC_SIGN_P256_SHA256": 12, "EC_SIGN_P384_SHA384": 13,
	"SOFTWARE": 1, "HSM": 2,
}

type keyVersion struct {
	key              *ecdsa.PrivateKey
	state, algorithm string
}

// KMS is a fake Cloud KMS v1 REST endpoint: listing key versions,
// getPublicKey and asymmetricSign, backed by real ECDSA P-256 keys.
type KMS struct {
	srv *httptest.Server

	mu       sync.Mutex
	versions map[string][]*keyVersion // key name -> versions 1..n
	calls    []Call

	// The knobs below are read under the fake's lock; set them before the
	// client runs.

	// Latency is added to every request.
	Latency time.Duration
	// CorruptSignatureCRC makes asymmetricSign report a wrong
	// signatureCrc32c, as if the signature had been damaged in transit.
	CorruptSignatureCRC bool
	// CorruptPublicKeyCRC makes getPublicKey report a wrong pemCrc32c.
	CorruptPublicKeyCRC bool
	// IgnoreDigestCRC makes asymmetricSign answer verifiedDigestCrc32c
	// false, as KMS does when it did not check the digest's checksum.
	IgnoreDigestCRC bool
}

// NewKMS starts a fake Cloud KMS endpoint; Close stops it.
func NewKMS() *KMS {
	f := &KMS{versions: map[string][]*keyVersion{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the endpoint to give the KMS client: the bare origin, since the
// client adds /v1/ to every path itself.
func (f *KMS) URL() string { return f.srv.URL }
func (f *KMS) Close()      { f.srv.Close() }

// AddKey creates the key named
// projects/P/locations/L/keyRings/R/cryptoKeys/K with one ENABLED
// EC_SIGN_P256_SHA256 version, cryptoKeyVersions/1, and returns its public
// key. It panics if the key exists: add versions with AddVersion.
func (f *KMS) AddKey(name string) *ecdsa.PublicKey {
	f.mu.Lock()
	_, ok := f.versions[name]
	f.mu.Unlock()
	if ok {
		panic("gcefake: key " + name + " exists")
	}
	return f.AddVersion(name, true)
}

// AddVersion adds the next version, ENABLED or DISABLED, to the key named
// projects/P/locations/L/keyRings/R/cryptoKeys/K, creating the key if
// needed, and returns the version's public key.
func (f *KMS) AddVersion(key string, enabled bool) *ecdsa.PublicKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	state := "DISABLED"
	if enabled {
		state = "ENABLED"
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.versions[key] = append(f.versions[key], &keyVersion{key: k, state: state, algorithm: "EC_SIGN_P256_SHA256"})
	return &k.PublicKey
}

// SetAlgorithm makes the fake report algorithm (EC_SIGN_P384_SHA384 or
// RSA_SIGN_PKCS1_2048_SHA256) for the version named
// projects/.../cryptoKeys/K/cryptoKeyVersions/N; it still signs with P-256.
func (f *KMS) SetAlgorithm(version, algorithm string) {
	if _, ok := kmsEnums[algorithm]; !ok || !strings.Contains(algorithm, "_SIGN_") {
		panic("gcefake: unknown algorithm " + algorithm)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	v := f.version(version)
	if v == nil {
		panic("gcefake: no key version " + version)
	}
	v.algorithm = algorithm
}

// Calls returns the calls served so far.
func (f *KMS) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...)
}

func (f *KMS) version(name string) *keyVersion {
	key, v, ok := strings.Cut(name, "/cryptoKeyVersions/")
	n, err := strconv.Atoi(v)
	if !ok || err != nil || n < 1 || n > len(f.versions[key]) {
		return nil
	}
	return f.versions[key][n-1]
}

func (f *KMS) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	latency := f.Latency
	f.mu.Unlock()
	time.Sleep(latency)

	serveRecorded(&f.mu, &f.calls, w, r, f.handle)
}

func (f *KMS) handle(w http.ResponseWriter, r *http.Request, call *Call) {
	path, ok := strings.CutPrefix(r.URL.Path, "/v1/")
	if !ok {
		kmsError(w, http.StatusNotFound, "NOT_FOUND", "unknown path "+r.URL.Path)
		return
	}
	// enum reports an enum value as the client asked: by number or name.
	enum := func(name string) any { return name }
	if strings.Contains(r.URL.Query().Get("$alt"), "enum-encoding=int") {
		enum = func(name string) any { return kmsEnums[name] }
	}
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(path, "/cryptoKeyVersions"):
		call.Op = "listVersions"
		f.list(w, strings.TrimSuffix(path, "/cryptoKeyVersions"), enum)
	case r.Method == http.MethodGet && strings.HasSuffix(path, "/publicKey"):
		call.Op, call.Image = "publicKey", strings.TrimSuffix(path, "/publicKey")
		f.publicKey(w, call.Image, enum)
	case r.Method == http.MethodPost && strings.HasSuffix(path, ":asymmetricSign"):
		call.Op, call.Image = "asymmetricSign", strings.TrimSuffix(path, ":asymmetricSign")
		f.sign(w, r, call.Image, enum)
	default:
		kmsError(w, http.StatusNotFound, "NOT_FOUND", r.Method+" "+r.URL.Path+" is not served by the fake")
	}
}

// list answers in one page: keys in tests have few versions.
func (f *KMS) list(w http.ResponseWriter, key string, enum func(string) any) {
	versions, ok := f.versions[key]
	if !ok {
		kmsError(w, http.StatusNotFound, "NOT_FOUND", key+" not found.")
		return
	}
	list := []map[string]any{}
	for i, v := range versions {
		list = append(list, map[string]any{"name": fmt.Sprintf("%s/cryptoKeyVersions/%d", key, i+1),
			"state": enum(v.state), "algorithm": enum(v.algorithm), "protectionLevel": enum("HSM")})
	}
	writeJSON(w, map[string]any{"cryptoKeyVersions": list, "totalSize": len(list)})
}

// usable finds an ENABLED version or answers as KMS does.
func (f *KMS) usable(w http.ResponseWriter, name string) *keyVersion {
	v := f.version(name)
	if v == nil {
		kmsError(w, http.StatusNotFound, "NOT_FOUND", name+" not found.")
		return nil
	}
	if v.state != "ENABLED" {
		kmsError(w, http.StatusBadRequest, "FAILED_PRECONDITION", name+" is not enabled, current state is: "+v.state+".")
		return nil
	}
	return v
}

func (f *KMS) publicKey(w http.ResponseWriter, name string, enum func(string) any) {
	v := f.usable(w, name)
	if v == nil {
		return
	}
	der, err := x509.MarshalPKIXPublicKey(&v.key.PublicKey)
	if err != nil {
		kmsError(w, http.StatusInternalServerError, "INTERNAL", err.Error())
		return
	}
	p := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	crc := crc32.Checksum([]byte(p), crc32c)
	if f.CorruptPublicKeyCRC {
		crc++
	}
	// int64 wrappers travel as JSON strings.
	writeJSON(w, map[string]any{"name": name, "pem": p, "algorithm": enum(v.algorithm),
		"pemCrc32c": strconv.FormatUint(uint64(crc), 10), "protectionLevel": enum("HSM")})
}

func (f *KMS) sign(w http.ResponseWriter, r *http.Request, name string, enum func(string) any) {
	v := f.usable(w, name)
	if v == nil {
		return
	}
	var req struct {
		Digest struct {
			SHA256 []byte `json:"sha256"`
		} `json:"digest"`
		DigestCRC32C *string `json:"digestCrc32c"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Digest.SHA256) != 32 {
		kmsError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Digest type must be SHA256 and 32 bytes long.")
		return
	}
	// KMS checks a digest checksum it was given and refuses a mismatch.
	verified := false
	if req.DigestCRC32C != nil && !f.IgnoreDigestCRC {
		if *req.DigestCRC32C != strconv.FormatUint(uint64(crc32.Checksum(req.Digest.SHA256, crc32c)), 10) {
			kmsError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "The checksum in field digest_crc32c did not match the data in field digest.")
			return
		}
		verified = true
	}
	sig, err := ecdsa.SignASN1(rand.Reader, v.key, req.Digest.SHA256)
	if err != nil {
		kmsError(w, http.StatusInternalServerError, "INTERNAL", err.Error())
		return
	}
	crc := crc32.Checksum(sig, crc32c)
	if f.CorruptSignatureCRC {
		crc++
	}
	writeJSON(w, map[string]any{"name": name, "signature": sig, "signatureCrc32c": strconv.FormatUint(uint64(crc), 10),
		"verifiedDigestCrc32c": verified, "protectionLevel": enum("HSM")})
}
