package evidence

import (
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
)

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

// junitSuite has the attributes the Ant JUnit schema requires (id,
// package, hostname, timestamp), which strict readers check.
type junitSuite struct {
	Name       string          `xml:"name,attr"`
	ID         int             `xml:"id,attr"`
	Package    string          `xml:"package,attr"`
	Hostname   string          `xml:"hostname,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Class      string          `xml:"classname,attr"`
	Name       string          `xml:"name,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Failure    *junitMessage   `xml:"failure,omitempty"`
	Error      *junitMessage   `xml:"error,omitempty"`
	Skipped    *junitMessage   `xml:"skipped,omitempty"`
	Output     string          `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// junitHostname is what the Ant JUnit schema asks for when the host is not
// known: the checks ran in the guest, whose name the results do not record.
const junitHostname = "localhost"

// JUnit renders the results as JUnit XML for CI systems: one test case per
// control; fail is a failure, error an error, and waived, manual and
// not-applicable are skipped with the reason. JUnit has no outcome for
// "fixed", which passes: each case's cis.status property tells fixed from
// pass, and cis.reboot_required marks a fix that takes effect at boot.
// With a boot proof, cis.after_boot is the status after the reboot, and a
// control that passed at build time and not after the reboot fails.
func JUnit(res *CISResults) ([]byte, error) {
	s := junitSuite{
		Name:     fmt.Sprintf("%s %s (%s)", res.Profile, res.Benchmark.ID, res.BuildName),
		Package:  "cis." + res.Profile,
		Hostname: junitHostname,
		// The schema's timestamp is an ISO 8601 time without a zone: UTC.
		Timestamp: res.GeneratedAt.UTC().Format("2006-01-02T15:04:05"),
		Properties: []junitProperty{
			{Name: "cis.profile", Value: res.Profile},
			{Name: "cis.benchmark", Value: res.Benchmark.ID + " " + res.Benchmark.Version},
			{Name: "cis.mode", Value: res.Mode},
			{Name: "packer.build_name", Value: res.BuildName},
			{Name: "packer.run_uuid", Value: res.RunUUID},
		},
	}
	var total int64
	for _, c := range res.Controls {
		tc := junitCase{
			Class: "cis." + section(c.CIS),
			Name:  fmt.Sprintf("%s %s: %s", c.CIS, c.Rule, c.Title),
			Time:  fmt.Sprintf("%.3f", float64(c.DurationMS)/1000),
			Properties: []junitProperty{
				{Name: "cis.status", Value: string(c.Status)},
				{Name: "cis.level", Value: fmt.Sprint(c.Level)},
			},
		}
		if c.RebootRequired {
			tc.Properties = append(tc.Properties, junitProperty{Name: "cis.reboot_required", Value: "true"})
		}
		total += c.DurationMS
		msg := string(c.Status)
		switch c.Status {
		case cis.Fail:
			s.Failures++
			tc.Failure = &junitMessage{Message: fmt.Sprintf("level %d control fails", c.Level), Text: c.Evidence}
		case cis.Error:
			s.Errors++
			tc.Error = &junitMessage{Message: "check or remediation error", Text: c.Action + "\n" + c.Evidence}
		case cis.Waived:
			s.Skipped++
			msg = fmt.Sprintf("waived (observed %s): %s", c.Observed, c.Waiver.Reason)
			tc.Skipped = &junitMessage{Message: msg}
		case cis.Manual, cis.NotApplicable:
			s.Skipped++
			tc.Skipped = &junitMessage{Message: msg, Text: c.Evidence}
		default:
			tc.Output = c.Evidence
		}
		// After a proving reboot: the status then, and a control that
		// stopped passing is a failure whatever it was at build time.
		if a := c.AfterBoot; a != nil {
			tc.Properties = append(tc.Properties, junitProperty{Name: "cis.after_boot", Value: string(a.Status)})
			if a.Regression && tc.Failure == nil && tc.Error == nil {
				s.Failures++
				tc.Failure = &junitMessage{Message: fmt.Sprintf("%s at build time, %s after the reboot", c.Status, a.Status), Text: a.Evidence}
			}
		}
		s.Tests++
		s.Cases = append(s.Cases, tc)
	}
	s.Time = fmt.Sprintf("%.3f", float64(total)/1000)
	b, err := xml.MarshalIndent(junitSuites{Suites: []junitSuite{s}}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode JUnit report: %w", err)
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}

// section is the chapter and section of a CIS number ("5.1" of "5.1.20").
func section(id string) string {
	parts := strings.SplitN(id, ".", 3)
	if len(parts) >= 2 {
		return parts[0] + "." + parts[1]
	}
	return id
}
