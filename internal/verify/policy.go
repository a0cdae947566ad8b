package verify

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Statement names a policy can require. SBOM means CycloneDX or SPDX.
const (
	Provenance = "provenance"
	CycloneDX  = "cyclonedx"
	SPDX       = "spdx"
	CIS        = "cis"
	SBOM       = "sbom"
)

// StatementNames are the names Require accepts.
var StatementNames = []string{Provenance, SBOM, CycloneDX, SPDX, CIS}

// ErrPolicy is the class of every error NewPolicy returns.
var ErrPolicy = errors.New("invalid policy")

// Policy is what the attestations must show. Build it with NewPolicy: its
// options are validated together, and every check implies the statement it
// reads, so no check is skipped because a file is missing.
type Policy struct {
	require   []string
	minLevel  int
	maxFailed int
	maxAge    time.Duration
	builders  []string
	bootProof bool
	now       func() time.Time
}

// PolicyOption sets one part of a Policy.
type PolicyOption func(*policyOptions)

type policyOptions struct {
	require     []string
	requireSet  bool
	minLevel    *int
	maxFailed   *int
	maxAge      *time.Duration
	builders    []string
	buildersSet bool
	bootProof   bool
	now         func() time.Time
}

// WithRequire lists the statements that must verify: provenance, sbom,
// cyclonedx, spdx or cis.
func WithRequire(names ...string) PolicyOption {
	return func(o *policyOptions) { o.require, o.requireSet = names, true }
}

// WithMinLevel is the lowest CIS profile level accepted, 1 or 2; Level n
// failures count against WithMaxFailed for every n up to it. It requires
// the CIS statement.
func WithMinLevel(level int) PolicyOption { return func(o *policyOptions) { o.minLevel = &level } }

// WithMaxFailed is how many unwaived controls of the policy's levels may
// fail or error. It requires the CIS statement.
func WithMaxFailed(n int) PolicyOption { return func(o *policyOptions) { o.maxFailed = &n } }

// WithRequireBootProof requires the CIS results to prove the hardening at
// boot: the guest was rebooted after hardening (another boot ID) and every
// control of the policy's levels that passed or was fixed passes in the
// after-boot audit. It requires the CIS statement.
func WithRequireBootProof() PolicyOption { return func(o *policyOptions) { o.bootProof = true } }

// WithMaxAge is how long ago the build may have finished. It requires the
// provenance.
func WithMaxAge(d time.Duration) PolicyOption { return func(o *policyOptions) { o.maxAge = &d } }

// WithAllowedBuilders are the accepted SLSA builder ids. It requires the
// provenance.
func WithAllowedBuilders(ids ...string) PolicyOption {
	return func(o *policyOptions) { o.builders, o.buildersSet = ids, true }
}

// WithClock is the time age is measured at; time.Now by default.
func WithClock(now func() time.Time) PolicyOption { return func(o *policyOptions) { o.now = now } }

// NewPolicy validates the options together and returns the policy. The
// CIS checks default to Level 1 and no failure whenever a CIS statement is
// present.
func NewPolicy(opts ...PolicyOption) (*Policy, error) {
	var o policyOptions
	for _, opt := range opts {
		opt(&o)
	}
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrPolicy}, a...)...))
	}
	p := &Policy{minLevel: 1, now: time.Now}
	if o.now != nil {
		p.now = o.now
	}
	if o.requireSet && len(o.require) == 0 {
		bad("require: the list is empty; accepted: %s", strings.Join(StatementNames, ", "))
	}
	for _, r := range o.require {
		switch {
		case !slices.Contains(StatementNames, r):
			bad("require: %q is not a statement; accepted: %s", r, strings.Join(StatementNames, ", "))
		case !slices.Contains(p.require, r):
			p.require = append(p.require, r)
		}
	}
	if o.minLevel != nil {
		if *o.minLevel != 1 && *o.minLevel != 2 {
			bad("min level %d: accepted are 1 and 2", *o.minLevel)
		}
		p.minLevel = *o.minLevel
		p.requires(CIS)
	}
	if o.maxFailed != nil {
		if *o.maxFailed < 0 {
			bad("max failed %d: use 0 or more", *o.maxFailed)
		}
		p.maxFailed = *o.maxFailed
		p.requires(CIS)
	}
	if o.bootProof {
		p.bootProof = true
		p.requires(CIS)
	}
	if o.maxAge != nil {
		if *o.maxAge <= 0 {
			bad("max age %s: use a positive duration such as 720h", *o.maxAge)
		}
		p.maxAge = *o.maxAge
		p.requires(Provenance)
	}
	if o.buildersSet {
		if len(o.builders) == 0 {
			bad("allowed builders: the list is empty")
		}
		for _, b := range o.builders {
			if strings.TrimSpace(b) == "" {
				bad("allowed builders: an empty builder id")
			}
		}
		p.builders = o.builders
		p.requires(Provenance)
	}
	if len(p.require) == 0 && len(errs) == 0 {
		bad("no statement is required: give at least one of %s", strings.Join(StatementNames, ", "))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

func (p *Policy) requires(name string) {
	if !slices.Contains(p.require, name) {
		p.require = append(p.require, name)
	}
}

// Required lists the statements the policy requires, implied ones included.
func (p *Policy) Required() []string { return slices.Clone(p.require) }
