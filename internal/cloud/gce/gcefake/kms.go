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

type keyVersion struct {
	key     *ecdsa.PrivateKey
	enabled bool
}

// KMS is a fake Cloud KMS v1 REST endpoint: publicKey, asymmetricSign and
// listing key versions, backed by real ECDSA P-256 keys.
type KMS struct {
	srv *httptest.Server

	mu       sync.Mutex
	versions map[string][]*keyVersion // key name -> versions 1..n
	calls    []string
	// CorruptSignatureCRC makes asymmetricSign report a wrong signature CRC32C.
	CorruptSignatureCRC bool
	// Latency is added to every request.
	Latency time.Duration
}

// NewKMS starts a fake Cloud KMS endpoint; Close stops it.
func NewKMS() *KMS {
	f := &KMS{versions: map[string][]*keyVersion{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

func (f *KMS) URL() string { return f.srv.URL }
func (f *KMS) Close()      { f.srv.Close() }

// AddVersion adds a new version to the key named
// projects/P/locations/L/keyRings/R/cryptoKeys/K and returns its public key.
func (f *KMS) AddVersion(key string, enabled bool) *ecdsa.PublicKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.versions[key] = append(f.versions[key], &keyVersion{key: k, enabled: enabled})
	return &k.PublicKey
}

// Calls returns "METHOD path" for every request served.
func (f *KMS) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
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
	time.Sleep(f.Latency)
	path := strings.TrimPrefix(r.URL.Path, "/v1/")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(path, "/cryptoKeyVersions"):
		key := strings.TrimSuffix(path, "/cryptoKeyVersions")
		var list []map[string]any
		for i, v := range f.versions[key] {
			state := "DISABLED"
			if v.enabled {
				state = "ENABLED"
			}
			list = append(list, map[string]any{"name": fmt.Sprintf("%s/cryptoKeyVersions/%d", key, i+1), "state": state, "algorithm": "EC_SIGN_P256_SHA256"})
		}
		writeJSON(w, map[string]any{"cryptoKeyVersions": list, "totalSize": len(list)})
	case r.Method == http.MethodGet && strings.HasSuffix(path, "/publicKey"):
		name := strings.TrimSuffix(path, "/publicKey")
		v := f.version(name)
		if v == nil {
			googleError(w, http.StatusNotFound, "notFound", "CryptoKeyVersion "+name+" not found.")
			return
		}
		der, _ := x509.MarshalPKIXPublicKey(&v.key.PublicKey)
		p := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
		writeJSON(w, map[string]any{"name": name, "pem": p, "algorithm": "EC_SIGN_P256_SHA256",
			"pemCrc32c": strconv.FormatUint(uint64(crc32.Checksum([]byte(p), crc32c)), 10)})
	case r.Method == http.MethodPost && strings.HasSuffix(path, ":asymmetricSign"):
		name := strings.TrimSuffix(path, ":asymmetricSign")
		v := f.version(name)
		if v == nil || !v.enabled {
			googleError(w, http.StatusNotFound, "notFound", "CryptoKeyVersion "+name+" not found or not enabled.")
			return
		}
		var req struct {
			Digest struct {
				SHA256 []byte `json:"sha256"`
			} `json:"digest"`
			DigestCRC32C string `json:"digestCrc32c"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Digest.SHA256) != 32 {
			googleError(w, http.StatusBadRequest, "invalid", "want a sha256 digest")
			return
		}
		verified := req.DigestCRC32C == strconv.FormatUint(uint64(crc32.Checksum(req.Digest.SHA256, crc32c)), 10)
		sig, err := ecdsa.SignASN1(rand.Reader, v.key, req.Digest.SHA256)
		if err != nil {
			googleError(w, http.StatusInternalServerError, "internal", err.Error())
			return
		}
		crc := uint64(crc32.Checksum(sig, crc32c))
		if f.CorruptSignatureCRC {
			crc++
		}
		writeJSON(w, map[string]any{"name": name, "signature": sig, "signatureCrc32c": strconv.FormatUint(crc, 10),
			"verifiedDigestCrc32c": verified, "protectionLevel": "HSM"})
	default:
		googleError(w, http.StatusNotFound, "notFound", "unknown path "+r.URL.Path)
	}
}
