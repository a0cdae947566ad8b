package cis

// AfterBoot is a control's result in the after-boot audit: the guest was
// rebooted after hardening and audited again, on the running system as well
// as on its files.
type AfterBoot struct {
	// Status is the check's result after the boot (a waived control's real
	// result: waivers change nothing here).
	Status   Status `json:"status"`
	Evidence string `json:"evidence"`
	// Regression is true when the control passed or was fixed at build time
	// and does not pass after the boot.
	Regression bool `json:"regression,omitempty"`
}

// AddAfterBoot records boot's results in build's (matched by rule) and
// returns the regressions that fail the build under failOn: controls in
// scope that passed or were fixed at build time and do not pass after the
// boot. Every control of build must have an after-boot result: a control
// missing from boot is reported as a regression.
func AddAfterBoot(build []Result, boot []Result, failOn string) []Result {
	after := make(map[string]Result, len(boot))
	for _, r := range boot {
		after[r.Rule] = r
	}
	var regressions []Result
	for i := range build {
		b := &build[i]
		a, ok := after[b.Rule]
		ab := &AfterBoot{Status: a.Status, Evidence: a.Evidence}
		if a.Status == Waived {
			ab.Status = a.Observed
		}
		if !ok {
			ab.Status, ab.Evidence = Error, "no result in the after-boot audit"
		}
		b.AfterBoot = ab
		if b.Status != Pass && b.Status != Fixed {
			continue
		}
		if ab.Status == Pass {
			continue
		}
		ab.Regression = true
		if inScope(*b, failOn) {
			regressions = append(regressions, *b)
		}
	}
	return regressions
}

// inScope reports whether failOn makes res fail the build.
func inScope(res Result, failOn string) bool {
	switch failOn {
	case FailOnProfile:
		return true
	case FailOnLevel1:
		return res.Level == 1 && !res.Included
	}
	return false
}
