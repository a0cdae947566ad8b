package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/aquasecurity/trivy-db/pkg/db"
	"github.com/aquasecurity/trivy-db/pkg/metadata"
	"github.com/aquasecurity/trivy-db/pkg/types"
	"github.com/aquasecurity/trivy-db/pkg/vulnsrc/bucket"
	"github.com/aquasecurity/trivy-db/pkg/vulnsrc/vulnerability"
	bolt "go.etcd.io/bbolt"
)

var debianDataSource = types.DataSource{
	ID:   vulnerability.Debian,
	Name: "Debian Security Tracker",
	URL:  "https://salsa.debian.org/security-tracker-team/security-tracker",
}

// writeTrivy builds trivy's database into dir/db (trivy.db and
// metadata.json: the layout of trivy's --cache-dir) with trivy-db's own
// operations, in the steps of its build (pkg/vulndb): insert each
// advisory as its debian source does (advisory, vulnerability detail, ID,
// data source, in the "debian <release>" bucket trivy looks packages up
// in), then optimize (the "vulnerability" bucket trivy reads), clean up
// and write the metadata. pkg/vulndb itself is not linked: its list of
// every source makes the binary run `go list std` at start.
func writeTrivy(fx Fixture, dir string) error {
	out := filepath.Join(dir, "db")
	if err := db.Init(out); err != nil {
		return fmt.Errorf("open %s: %w", out, err)
	}
	err := buildTrivy(fx)
	if cerr := db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close %s: %w", out, cerr)
	}
	if err != nil {
		return err
	}
	md := metadata.Metadata{Version: db.SchemaVersion, NextUpdate: fx.Built.Add(24 * time.Hour), UpdatedAt: fx.Built}
	if err := metadata.NewClient(out).Update(md); err != nil {
		return fmt.Errorf("write metadata: %w", err)
	}
	return nil
}

func buildTrivy(fx Fixture) error {
	dbc := db.Config{}
	err := dbc.BatchUpdate(func(tx *bolt.Tx) error {
		for _, a := range fx.Advisories {
			sev, err := types.NewSeverity(strings.ToUpper(a.Severity))
			if err != nil {
				return fmt.Errorf("advisory %s: %w", a.ID, err)
			}
			platform := bucket.NewDebian(a.Release).Name()
			if err := dbc.PutAdvisoryDetail(tx, a.ID, a.Package, []string{platform}, &types.Advisory{FixedVersion: a.Fixed}); err != nil {
				return fmt.Errorf("put advisory %s: %w", a.ID, err)
			}
			detail := types.VulnerabilityDetail{Title: a.Description, Severity: sev}
			if err := dbc.PutVulnerabilityDetail(tx, a.ID, vulnerability.Debian, detail); err != nil {
				return fmt.Errorf("put vulnerability detail %s: %w", a.ID, err)
			}
			if err := dbc.PutVulnerabilityID(tx, a.ID); err != nil {
				return fmt.Errorf("put vulnerability ID %s: %w", a.ID, err)
			}
			if err := dbc.PutDataSource(tx, platform, debianDataSource); err != nil {
				return fmt.Errorf("put data source %s: %w", platform, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("insert advisories: %w", err)
	}
	vc := vulnerability.New(dbc)
	err = dbc.ForEachVulnerabilityID(func(tx *bolt.Tx, id string) error {
		if err := dbc.SaveAdvisoryDetails(tx, id); err != nil {
			return fmt.Errorf("save advisories of %s: %w", id, err)
		}
		return dbc.PutVulnerability(tx, id, vc.Normalize(id, vc.GetDetails(id)))
	})
	if err != nil {
		return fmt.Errorf("optimize: %w", err)
	}
	// In trivy-db's order (pkg/vulndb cleanup).
	for _, c := range []struct {
		name string
		del  func() error
	}{
		{"vulnerability ID", dbc.DeleteVulnerabilityIDBucket},
		{"vulnerability detail", dbc.DeleteVulnerabilityDetailBucket},
		{"advisory detail", dbc.DeleteAdvisoryDetailBucket},
	} {
		if err := c.del(); err != nil {
			return fmt.Errorf("delete %s bucket: %w", c.name, err)
		}
	}
	return nil
}
