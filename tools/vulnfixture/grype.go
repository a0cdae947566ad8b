package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	grypedb "github.com/anchore/grype/grype/db"
	"github.com/anchore/grype/grype/db/provider"
	v6 "github.com/anchore/grype/grype/db/v6"
)

// vunnel's record and workspace schemas, as grype's builder reads them.
const (
	vunnelOSSchema    = "https://raw.githubusercontent.com/anchore/vunnel/main/schema/vulnerability/os/schema-1.1.0.json"
	vunnelStateSchema = "https://raw.githubusercontent.com/anchore/vunnel/main/schema/provider-workspace-state/schema-1.0.3.json"
)

// vunnelRecord is one result file of vunnel's debian provider: a
// vulnerability of one release with the source packages that fix it.
type vunnelRecord struct {
	Schema     string `json:"schema"`
	Identifier string `json:"identifier"`
	Item       struct {
		Vulnerability vunnelVulnerability `json:"Vulnerability"`
	} `json:"item"`
}

type vunnelVulnerability struct {
	Name          string          `json:"Name"`
	NamespaceName string          `json:"NamespaceName"`
	Description   string          `json:"Description"`
	Severity      string          `json:"Severity"`
	Link          string          `json:"Link"`
	CVSS          []any           `json:"CVSS"`
	FixedIn       []vunnelFixedIn `json:"FixedIn"`
	Metadata      struct{}        `json:"Metadata"`
}

type vunnelFixedIn struct {
	Name           string `json:"Name"`
	NamespaceName  string `json:"NamespaceName"`
	Version        string `json:"Version"`
	VersionFormat  string `json:"VersionFormat"`
	VendorAdvisory struct {
		AdvisorySummary []any `json:"AdvisorySummary"`
		NoAdvisory      bool  `json:"NoAdvisory"`
	} `json:"VendorAdvisory"`
}

// vunnelRecords groups the advisories as vunnel does: one record per
// vulnerability and release.
func vunnelRecords(fx Fixture) []vunnelRecord {
	byKey := map[string]*vunnelRecord{}
	var keys []string
	for _, a := range fx.Advisories {
		ns := "debian:" + a.Release
		key := ns + "/" + strings.ToLower(a.ID)
		r, ok := byKey[key]
		if !ok {
			r = &vunnelRecord{Schema: vunnelOSSchema, Identifier: key}
			r.Item.Vulnerability = vunnelVulnerability{
				Name: a.ID, NamespaceName: ns, Description: a.Description,
				Severity: strings.ToUpper(a.Severity[:1]) + a.Severity[1:],
				Link:     "https://security-tracker.debian.org/tracker/" + a.ID,
				CVSS:     []any{},
			}
			byKey[key] = r
			keys = append(keys, key)
		}
		fix := vunnelFixedIn{Name: a.Package, NamespaceName: ns, Version: a.Fixed, VersionFormat: "dpkg"}
		fix.VendorAdvisory.AdvisorySummary = []any{}
		r.Item.Vulnerability.FixedIn = append(r.Item.Vulnerability.FixedIn, fix)
	}
	sort.Strings(keys)
	out := make([]vunnelRecord, 0, len(keys))
	for _, k := range keys {
		out = append(out, *byKey[k])
	}
	return out
}

// writeGrype writes the advisories as a vunnel debian provider workspace,
// then builds grype's DB v6 from it as `grype-db build` does, into
// dir/6 with its import.json: the layout of GRYPE_DB_CACHE_DIR.
func writeGrype(fx Fixture, dir string) error {
	ws, err := os.MkdirTemp("", "vulnfixture-vunnel-")
	if err != nil {
		return fmt.Errorf("make workspace: %w", err)
	}
	defer os.RemoveAll(ws)

	w := provider.NewWorkspaceWriter(ws, "debian")
	var files []provider.File
	for _, r := range vunnelRecords(fx) {
		b, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("encode %s: %w", r.Identifier, err)
		}
		name := strings.Replace(r.Identifier, ":", "@", 1) + ".json"
		f, err := w.WriteResult(name, b)
		if err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		files = append(files, *f)
	}
	if err := w.WriteListing(files); err != nil {
		return fmt.Errorf("write listing: %w", err)
	}
	listing, err := provider.NewFile(w.ListingPath())
	if err != nil {
		return fmt.Errorf("digest listing: %w", err)
	}
	listing.Path = "results/" + filepath.Base(w.ListingPath())
	state := provider.State{
		Provider: "debian", Version: 1, Processor: "vulnfixture",
		Schema:    provider.Schema{Version: "1.0.3", URL: vunnelStateSchema},
		URLs:      []string{"https://security-tracker.debian.org/tracker/data/json"},
		Timestamp: fx.Built, Listing: listing, Store: "flat-file",
	}
	if err := w.WriteState(state); err != nil {
		return fmt.Errorf("write workspace state: %w", err)
	}
	read, err := provider.ReadState(filepath.Join(w.Path(), "metadata.json"))
	if err != nil {
		return fmt.Errorf("read workspace state: %w", err)
	}
	if err := read.Verify(); err != nil {
		return fmt.Errorf("verify workspace: %w", err)
	}

	out := filepath.Join(dir, strconv.Itoa(v6.ModelVersion))
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("make %s: %w", out, err)
	}
	return grypedb.Build(grypedb.BuildConfig{
		SchemaVersion: v6.ModelVersion,
		Directory:     out,
		States:        provider.States{*read},
		Timestamp:     fx.Built,
		// Hydrate adds the indexes and writes import.json, as grype's
		// own download does.
		Hydrate:            true,
		BatchSize:          100,
		SQLiteCacheSizeKiB: 8 << 10,
	})
}
